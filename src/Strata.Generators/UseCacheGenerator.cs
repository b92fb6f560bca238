using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Strata.Generators;

/// <summary>
/// Writes, for each class with <c>[UseCache]</c> methods (or <c>[UseCache]</c> on the class), a sealed subclass that
/// overrides those methods and routes each call through <c>Strata.Generated.CacheRuntimeCalls.RunMethodTaskAsync</c>/<c>RunMethodAsync</c> with a stable
/// function id, forwards the constructors, and registers itself (and its cache kinds) from a module initializer so that
/// <c>AddStrata()</c> can swap the dependency-injection registrations. Pipeline: parse → equatable model → emit.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class UseCacheGenerator : IIncrementalGenerator
{
    /// <summary>The tracking name of the step that turns [UseCache] declarations into type models.</summary>
    public const string ModelStep = "UseCacheTypeModel";

    /// <summary>The tracking name of the step that keeps one model per class.</summary>
    public const string TypeStep = "UseCacheTypes";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                StrataSymbols.UseCacheAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax or MethodDeclarationSyntax,
                static (ctx, ct) => ModelBuilder.Build(ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct))
            .WithTrackingName(ModelStep)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TypeStep);

        context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(model.HintName, Emitter.Emit(model)));
    }
}

/// <summary>One forwarded or overridden parameter.</summary>
internal sealed record ParameterModel(string Name, string Type, string Modifier, string? DefaultValue, string Attributes, ParameterRole Role);

internal enum ParameterRole
{
    Key,
    PassThrough,
    CancellationToken,
}

/// <summary>A forwarded constructor.</summary>
internal sealed record ConstructorModel(string Attributes, EquatableArray<ParameterModel> Parameters);

/// <summary>An overridden [UseCache] method.</summary>
internal sealed record MethodModel(
    string Name,
    string Accessibility,
    string ReturnType,
    string ResultType,
    bool IsValueTask,
    string Id,
    string Kind,
    string DisplayName,
    int Index,
    EquatableArray<ParameterModel> Parameters);

/// <summary>Everything the emitter needs for one class; equatable, holds no symbols.</summary>
internal sealed record TypeModel(
    string HintName,
    string? Namespace,
    string CachedName,
    string BaseType,
    bool IsRecord,
    EquatableArray<ConstructorModel> Constructors,
    EquatableArray<MethodModel> Methods,
    EquatableArray<string> Kinds,
    EquatableArray<KeyShapeModel> KeyShapes);

internal static class ModelBuilder
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The stable form of a type in a function id: namespace-qualified, no 'global::', no nullability.</summary>
    private static readonly SymbolDisplayFormat IdFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary>
    /// The model of the class that declares <paramref name="target"/>, or null when this declaration is not the one that
    /// speaks for its class (each class is emitted once: from its class-level attribute, else from its first [UseCache] method).
    /// </summary>
    public static TypeModel? Build(ISymbol target, Compilation compilation, CancellationToken cancellationToken)
    {
        var s = StrataSymbols.Create(compilation);
        var type = target as INamedTypeSymbol ?? target.ContainingType;
        if (type is null || !CacheRules.HasGeneratedCaching(type, s) || !CacheRules.CanSubclass(type, s))
        {
            return null;
        }

        if (target is IMethodSymbol method)
        {
            var classForm = s.UseCacheOf(type) is not null && !s.IsComponent(type);
            var first = type.GetMembers().OfType<IMethodSymbol>().FirstOrDefault(m => s.UseCacheOf(m) is not null);
            if (classForm || !SymbolEqualityComparer.Default.Equals(first, method))
            {
                return null;
            }
        }
        else if (s.IsComponent(type))
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var methods = ImmutableArray.CreateBuilder<MethodModel>();
        var keyTypes = new List<ITypeSymbol>();
        foreach (var cached in CacheRules.MethodsOf(type, s))
        {
            if (CacheRules.CanOverride(cached, s))
            {
                var model = BuildMethod(cached, type, s, methods.Count);
                methods.Add(model);
                keyTypes.AddRange(cached.Method.Parameters.Where((p, i) => model.Parameters[i].Role == ParameterRole.Key).Select(p => p.Type));
            }
        }

        if (methods.Count == 0)
        {
            return null;
        }

        var constructors = type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility != Accessibility.Private && !IsCopyConstructor(c, type))
            .Select(c => new ConstructorModel(Attributes(c.GetAttributes()), c.Parameters.Select(p => Parameter(p, s, forConstructor: true)).ToImmutableArray()))
            .ToImmutableArray();

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        var cachedName = string.Join("_", ContainingChain(type).Select(t => t.Name)) + "_Cached";
        var hint = (ns is null ? "" : ns + ".") + cachedName + ".g.cs";
        return new TypeModel(
            hint,
            ns,
            cachedName,
            type.ToDisplayString(TypeFormat),
            type.IsRecord,
            constructors,
            methods.ToImmutable(),
            methods.Select(m => m.Kind).Distinct().OrderBy(k => k, System.StringComparer.Ordinal).ToImmutableArray(),
            KeyShapeRules.For(keyTypes, compilation));
    }

    private static MethodModel BuildMethod(CachedMethod cached, INamedTypeSymbol type, StrataSymbols s, int index)
    {
        var method = cached.Method;
        var result = CacheRules.ResultType(method, s, out var isValueTask)!;
        var parameterTypes = string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(IdFormat)));
        var id = $"{type.ToDisplayString(IdFormat)}.{method.Name}({parameterTypes})#{cached.Kind}";
        return new MethodModel(
            method.Name,
            AccessibilityText(method.DeclaredAccessibility),
            method.ReturnType.ToDisplayString(TypeFormat),
            result.ToDisplayString(TypeFormat),
            isValueTask,
            id,
            cached.Kind,
            $"{type.Name}.{method.Name}",
            index,
            method.Parameters.Select(p => Parameter(p, s, forConstructor: false)).ToImmutableArray());
    }

    private static ParameterModel Parameter(IParameterSymbol parameter, StrataSymbols s, bool forConstructor)
    {
        var role = StrataSymbols.Is(parameter.Type, s.CancellationToken) ? ParameterRole.CancellationToken
            : KeyTypeRules.IsPassThrough(parameter.Type, s) ? ParameterRole.PassThrough
            : ParameterRole.Key;
        var modifier = parameter.IsParams ? "params " : parameter.RefKind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            RefKind.RefReadOnlyParameter => "ref readonly ",
            _ => "",
        };
        var name = SyntaxFacts.GetKeywordKind(parameter.Name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(parameter.Name) != SyntaxKind.None
            ? "@" + parameter.Name
            : parameter.Name;
        return new ParameterModel(
            name,
            parameter.Type.ToDisplayString(TypeFormat),
            modifier,
            forConstructor && parameter.HasExplicitDefaultValue ? DefaultValue(parameter) : null,
            forConstructor ? Attributes(parameter.GetAttributes()) : "",
            role);
    }

    private static string DefaultValue(IParameterSymbol parameter)
    {
        var value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return "default";
        }

        var literal = SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false);
        literal = value switch
        {
            float => literal + "F",
            double => literal + "D",
            decimal => literal + "M",
            long => literal + "L",
            ulong => literal + "UL",
            uint => literal + "U",
            _ => literal,
        };
        return parameter.Type.TypeKind == TypeKind.Enum || (parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
            ? $"({parameter.Type.ToDisplayString(TypeFormat)})({literal})"
            : literal;
    }

    /// <summary>Attributes to copy onto forwarded constructors and their parameters (e.g. [FromKeyedServices], [ActivatorUtilitiesConstructor]).</summary>
    private static string Attributes(ImmutableArray<AttributeData> attributes)
    {
        var parts = new List<string>();
        foreach (var attribute in attributes)
        {
            var type = attribute.AttributeClass;
            if (type is null || type.DeclaredAccessibility != Accessibility.Public
                || type.ContainingNamespace?.ToDisplayString() is "System.Runtime.CompilerServices" or "System.Diagnostics.CodeAnalysis" or "System.Runtime.InteropServices"
                || type.ToDisplayString() is "System.ObsoleteAttribute" or "System.ParamArrayAttribute")
            {
                continue;
            }

            var arguments = attribute.ConstructorArguments.Select(a => a.ToCSharpString())
                .Concat(attribute.NamedArguments.Select(a => $"{a.Key} = {a.Value.ToCSharpString()}"))
                .ToList();
            parts.Add($"[{type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}{(arguments.Count == 0 ? "" : "(" + string.Join(", ", arguments) + ")")}]");
        }

        return parts.Count == 0 ? "" : string.Join(" ", parts) + " ";
    }

    private static bool IsCopyConstructor(IMethodSymbol constructor, INamedTypeSymbol type) =>
        type.IsRecord && constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

    private static IEnumerable<INamedTypeSymbol> ContainingChain(INamedTypeSymbol type)
    {
        var chain = new Stack<INamedTypeSymbol>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            chain.Push(t);
        }

        return chain;
    }

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Protected => "protected",
        Accessibility.Internal => "internal",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "public",
    };
}
