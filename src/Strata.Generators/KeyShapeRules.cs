using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Strata.Generators;

/// <summary>One key member of a generated key shape: its name in the key, how to read it, its declared type.</summary>
internal sealed record KeyShapeMemberModel(string Name, string Access, string DeclaredType);

/// <summary>The key members of one record, class or struct, registered by generated code (<c>Strata.Generated.KeyedTypes</c>).</summary>
internal sealed record KeyShapeModel(string Type, EquatableArray<KeyShapeMemberModel> Members);

/// <summary>
/// Finds, from the declared types of <c>[UseCache]</c> parameters, the records, classes and structs whose key members the
/// generated code can register, so that key encoding reads them without reflection (trimmed and Native AOT apps). The
/// members are exactly those the engine's reflection finds (src/Strata/Keys/KeyTypeInfo.cs, ReflectObject): every
/// instance field of the type and its base types, a public field by its name, an auto-property's field by its property.
/// A type whose fields cannot all be seen or read here (declared in another assembly, a non-public field, a primary
/// constructor parameter of a class or a captured one of a record, a property with a body, an inaccessible type) is not registered and stays with reflection,
/// which keys it or refuses it as before.
/// </summary>
internal static class KeyShapeRules
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    public static ImmutableArray<KeyShapeModel> For(IEnumerable<ITypeSymbol> roots, Compilation compilation)
    {
        var shapes = new List<KeyShapeModel>();
        var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var root in roots)
        {
            Walk(root, compilation, shapes, seen, 0);
        }

        return shapes.OrderBy(s => s.Type, System.StringComparer.Ordinal).ToImmutableArray();
    }

    private static void Walk(ITypeSymbol type, Compilation compilation, List<KeyShapeModel> shapes, HashSet<ITypeSymbol> seen, int depth)
    {
        if (depth > 16 || !seen.Add(type))
        {
            return;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                Walk(array.ElementType, compilation, shapes, seen, depth + 1);
                break;
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                {
                    Walk(argument, compilation, shapes, seen, depth + 1);
                }

                if (Members(named, compilation) is { } members)
                {
                    shapes.Add(new KeyShapeModel(
                        named.ToDisplayString(TypeFormat),
                        members.Select(m => new KeyShapeMemberModel(m.Name, Escape(m.Name), m.Type.ToDisplayString(TypeFormat))).ToImmutableArray()));
                    foreach (var member in members)
                    {
                        Walk(member.Type, compilation, shapes, seen, depth + 1);
                    }
                }

                break;
        }
    }

    /// <summary>The key members of <paramref name="type"/>, or null when it is not registered (see the class remarks).</summary>
    private static List<(string Name, ITypeSymbol Type)>? Members(INamedTypeSymbol type, Compilation compilation)
    {
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsAbstract || type.IsStatic || type.IsRefLikeType
            || type.IsAnonymousType || type.SpecialType != SpecialType.None || !IsNameable(type))
        {
            return null;
        }

        var members = new List<(string Name, ITypeSymbol Type)>();
        for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
        {
            if (!SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, compilation.Assembly) || HasPrimaryConstructor(t) || CapturesParameter(t, compilation))
            {
                return null;
            }

            foreach (var member in t.GetMembers())
            {
                switch (member)
                {
                    case IEventSymbol:
                        return null; // a field-like event has a field that symbols do not show
                    case IFieldSymbol { IsStatic: false, IsConst: false } field:
                        if (field.IsFixedSizeBuffer || field.Type.TypeKind is TypeKind.Dynamic or TypeKind.Pointer or TypeKind.FunctionPointer)
                        {
                            return null;
                        }

                        if (field.DeclaredAccessibility == Accessibility.Public && !field.IsImplicitlyDeclared)
                        {
                            members.Add((field.Name, field.Type));
                        }
                        else if (field.AssociatedSymbol is IPropertySymbol property && IsAutoPropertyWithPublicGetter(property))
                        {
                            members.Add((property.Name, property.Type));
                        }
                        else
                        {
                            return null; // non-public state: reflection refuses the type with its reason
                        }

                        break;
                }
            }
        }

        return members.Select(m => m.Name).Distinct().Count() == members.Count ? members : null;
    }

    /// <summary>An auto-property (its getter has no body, so reading it reads its field) with a public getter.</summary>
    private static bool IsAutoPropertyWithPublicGetter(IPropertySymbol property)
    {
        if (property.IsStatic || property.IsIndexer || property.ExplicitInterfaceImplementations.Length > 0
            || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public } getter || property.Type.TypeKind == TypeKind.Dynamic)
        {
            return false;
        }

        // A record's positional property is declared by its parameter.
        var syntax = getter.DeclaringSyntaxReferences;
        return syntax.Length > 0 && syntax.All(r => r.GetSyntax() is AccessorDeclarationSyntax { Body: null, ExpressionBody: null } or ParameterSyntax);
    }

    private static bool HasPrimaryConstructor(INamedTypeSymbol type) =>
        !type.IsRecord && type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax { ParameterList: not null });

    /// <summary>
    /// Whether a record's code reads a positional parameter after construction (in a method, an accessor, an expression
    /// body, a lambda or a local function): the compiler then keeps it in a hidden field that symbols do not show.
    /// </summary>
    private static bool CapturesParameter(INamedTypeSymbol type, Compilation compilation)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax { ParameterList.Parameters.Count: > 0 } declaration)
            {
                continue;
            }

            var names = new HashSet<string>(declaration.ParameterList.Parameters.Select(p => p.Identifier.ValueText));
            var model = compilation.GetSemanticModel(declaration.SyntaxTree);
            foreach (var identifier in declaration.Members.SelectMany(m => m.DescendantNodes()).OfType<IdentifierNameSyntax>())
            {
                if (names.Contains(identifier.Identifier.ValueText)
                    && identifier.Ancestors().Any(a => a is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax
                        or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                    && model.GetSymbolInfo(identifier).Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } constructor }
                    && SymbolEqualityComparer.Default.Equals(constructor.ContainingType, type))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether generated code in the same assembly can name the type (no private types, no type parameters).</summary>
    private static bool IsNameable(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => IsNameable(array.ElementType),
        INamedTypeSymbol named => !named.IsUnboundGenericType && !named.IsAnonymousType
            && named.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal
            && (named.ContainingType is null || IsNameable(named.ContainingType))
            && named.TypeArguments.All(IsNameable),
        _ => false,
    };

    private static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
