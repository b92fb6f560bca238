using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Strata.Generators;

/// <summary>Why a value of a type cannot cross into a client component: the kind (which id) and the reason.</summary>
internal sealed record ClientPropProblem(ClientPropKind Kind, string Reason);

/// <summary>
/// The rules of the client boundary: which components run in the browser (<c>[UseClient]</c>, a WebAssembly or Auto
/// render mode on the class or at the use site), and which parameter types cannot cross into them: functions (delegates,
/// EventCallback) other than server function references, RenderFragment, services, and types that do not round-trip
/// through System.Text.Json. What the declared type cannot decide (object, type parameters) is left to the run-time check.
/// </summary>
internal sealed class ClientRules
{
    public const string UseClientAttributeName = "Strata.UseClientAttribute";

    private static readonly string[] ClientModeNames = { "InteractiveWebAssembly", "InteractiveAuto", "InteractiveWebAssemblyRenderMode", "InteractiveAutoRenderMode" };

    private readonly StrataSymbols _s;
    private readonly INamedTypeSymbol? _useClient;
    private readonly INamedTypeSymbol? _renderModeAttribute;
    private readonly INamedTypeSymbol? _webAssemblyMode;
    private readonly INamedTypeSymbol? _autoMode;
    private readonly INamedTypeSymbol? _eventCallback;
    private readonly INamedTypeSymbol? _eventCallbackOfT;
    private readonly INamedTypeSymbol? _jsonConstructor;

    public ClientRules(StrataSymbols s)
    {
        _s = s;
        var compilation = s.Compilation;
        _useClient = compilation.GetTypeByMetadataName(UseClientAttributeName);
        _renderModeAttribute = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.RenderModeAttribute");
        _webAssemblyMode = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.Web.InteractiveWebAssemblyRenderMode");
        _autoMode = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.Web.InteractiveAutoRenderMode");
        _eventCallback = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.EventCallback");
        _eventCallbackOfT = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.EventCallback`1");
        _jsonConstructor = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonConstructorAttribute");
        RenderTreeBuilder = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder");
    }

    public INamedTypeSymbol? RenderTreeBuilder { get; }

    /// <summary>Whether the component type runs in the browser whatever its use site says: [UseClient], or a WebAssembly or Auto render mode on the class.</summary>
    public bool IsClientComponent(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass is not { } attributeClass)
            {
                continue;
            }

            if (_useClient is not null ? StrataSymbols.InheritsOrImplements(attributeClass, _useClient) : attributeClass.ToDisplayString() == UseClientAttributeName)
            {
                return true;
            }

            // @rendermode in the component's own file: Razor writes a private RenderModeAttribute whose Mode names the mode.
            if (StrataSymbols.InheritsOrImplements(attributeClass, _renderModeAttribute) && NamesClientMode(attributeClass))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a render mode given at a use site (<c>@rendermode</c>) runs the component in the browser.</summary>
    public bool IsClientMode(ITypeSymbol? mode) =>
        mode is not null && (StrataSymbols.InheritsOrImplements(mode, _webAssemblyMode) || StrataSymbols.InheritsOrImplements(mode, _autoMode));

    /// <summary>Why a value of <paramref name="type"/> cannot cross into a client component, or null when it can (or the type cannot decide).</summary>
    public ClientPropProblem? Check(ITypeSymbol? type) => Check(type, "", new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default), 0);

    private ClientPropProblem? Check(ITypeSymbol? type, string path, HashSet<ITypeSymbol> visiting, int depth)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type is null || depth > 6 || type.SpecialType == SpecialType.System_Object || type.TypeKind is TypeKind.Dynamic or TypeKind.Error or TypeKind.TypeParameter)
        {
            return null;
        }

        if (ClientPropTexts.IsServerFunctionReference(type.ContainingNamespace?.ToDisplayString(), type.Name))
        {
            return null;
        }

        var subject = path.Length == 0 ? "" : $"has {path.TrimStart('.')} of type {Display(type)}, which ";
        if (KeyTypeRules.IsRenderFragment(type, _s))
        {
            return new ClientPropProblem(ClientPropKind.Content, subject + ClientPropTexts.ContentReason);
        }

        if (StrataSymbols.Is(type, _eventCallback) || StrataSymbols.Is(type, _eventCallbackOfT))
        {
            return new ClientPropProblem(ClientPropKind.Function, subject + ClientPropTexts.EventCallbackReason);
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return new ClientPropProblem(ClientPropKind.Function, subject + ClientPropTexts.FunctionReason);
        }

        var isCollection = StrataSymbols.InheritsOrImplements(type, _s.Enumerable) && type.SpecialType != SpecialType.System_String;
        if (StrataSymbols.IsAnyOf(type, _s.InfrastructureTypes) || StrataSymbols.IsAnyOf(type, _s.RequestStateTypes))
        {
            return new ClientPropProblem(ClientPropKind.Service, subject + "is a service or request state, not data");
        }

        if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr || type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
        {
            return new ClientPropProblem(ClientPropKind.Json, subject + "is a native pointer, which means nothing in another process");
        }

        if (StrataSymbols.InheritsOrImplements(type, _s.Stream))
        {
            return new ClientPropProblem(ClientPropKind.Json, subject + "is a stream, which JSON cannot write; read it and pass the data (a byte[] or a string)");
        }

        if (StrataSymbols.InheritsOrImplements(type, _s.MemberInfo) || StrataSymbols.InheritsOrImplements(type, _s.Assembly))
        {
            return new ClientPropProblem(ClientPropKind.Json, subject + "is a reflection object (Type, MethodInfo, Assembly...), which JSON cannot write");
        }

        if (!isCollection && type.TypeKind == TypeKind.Interface)
        {
            return new ClientPropProblem(ClientPropKind.Service, subject + "is an interface that is not a collection, which stands for a service rather than data, and the browser could not create a value of it");
        }

        if (!isCollection && type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: true })
        {
            return new ClientPropProblem(ClientPropKind.Service, subject + "is abstract, which stands for a service rather than data, and the browser could not create a value of it");
        }

        if (!visiting.Add(type))
        {
            return null;
        }

        try
        {
            return CheckShape(type, path, subject, visiting, depth);
        }
        finally
        {
            visiting.Remove(type);
        }
    }

    /// <summary>Collections by their items; classes and structs by whether JSON can create them and by their public properties.</summary>
    private ClientPropProblem? CheckShape(ITypeSymbol type, string path, string subject, HashSet<ITypeSymbol> visiting, int depth)
    {
        if (type is IArrayTypeSymbol array)
        {
            return Check(array.ElementType, path + "[]", visiting, depth + 1);
        }

        if (type is not INamedTypeSymbol named || _s.SimpleTypes.Contains(named) || named.TypeKind == TypeKind.Enum || named.SpecialType != SpecialType.None)
        {
            return null;
        }

        if (StrataSymbols.InheritsOrImplements(named, _s.Enumerable) || StrataSymbols.Is(named, _s.KeyValuePair) || named.IsTupleType)
        {
            foreach (var argument in named.TypeArguments)
            {
                if (Check(argument, path + "[]", visiting, depth + 1) is { } item)
                {
                    return item;
                }
            }

            return null;
        }

        if (ServerRules.WireProblem(named, _s) is { } wire)
        {
            return new ClientPropProblem(ClientPropKind.Json, subject + wire);
        }

        if (!named.Locations.Any(l => l.IsInSource))
        {
            return null; // a library's data type: its shape is judged at run time
        }

        var constructors = named.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public && !c.IsImplicitlyDeclared || (c.IsImplicitlyDeclared && c.Parameters.Length == 0)).ToList();
        var marked = named.InstanceConstructors.FirstOrDefault(c => c.GetAttributes().Any(a => StrataSymbols.Is(a.AttributeClass, _jsonConstructor)));
        var constructor = marked
            ?? constructors.FirstOrDefault(c => c.Parameters.Length == 0)
            ?? (constructors.Count == 1 ? constructors[0] : null);
        if (constructor is null && named.TypeKind == TypeKind.Class)
        {
            return new ClientPropProblem(ClientPropKind.Json, subject + "has no constructor System.Text.Json can use (a public parameterless one, a single public one, or one marked [JsonConstructor])");
        }

        var fromConstructor = new HashSet<string>((constructor?.Parameters ?? default).IsDefault ? Enumerable.Empty<string>() : constructor!.Parameters.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var property in named.GetMembers().OfType<IPropertySymbol>())
        {
            if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public || property.GetMethod is null)
            {
                continue;
            }

            if (property.SetMethod is null && IsAutoProperty(property) && !fromConstructor.Contains(property.Name))
            {
                return new ClientPropProblem(ClientPropKind.Json, subject + $"has the get-only property '{property.Name}' that no constructor parameter sets, so the browser would receive it empty");
            }

            if (Check(property.Type, path + "." + property.Name, visiting, depth + 1) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    public static string Display(ITypeSymbol type) => type.ToDisplayString(CacheRules.NameFormat);

    /// <summary>"a Func&lt;int&gt;", "an EventCallback&lt;MouseEventArgs&gt;": how a message names a value of the type.</summary>
    public static string Value(ITypeSymbol type)
    {
        var name = Display(type);
        return ("AEIOUaeiou".IndexOf(name[0]) >= 0 ? "an " : "a ") + name;
    }

    /// <summary>Whether the property (declared in source) stores its value: an auto-property, not a computed one.</summary>
    private static bool IsAutoProperty(IPropertySymbol property) =>
        property.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<PropertyDeclarationSyntax>().Any(p =>
            p.ExpressionBody is null && p.AccessorList is { } accessors && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null));

    private bool NamesClientMode(INamedTypeSymbol attributeClass) =>
        attributeClass.DeclaringSyntaxReferences.Any(r => r.GetSyntax().DescendantNodes().OfType<SimpleNameSyntax>().Any(n => ClientModeNames.Contains(n.Identifier.ValueText)));
}
