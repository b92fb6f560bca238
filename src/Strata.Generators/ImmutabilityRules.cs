using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>
/// The engine's rule (src/Strata/Values/Immutability.cs) for results that can be handed to every caller by reference,
/// applied to declared types: primitives, strings, enums, dates, [ImmutableObject(true)] types, immutable and frozen
/// collections (not their builders), and classes, structs and records whose fields are all read-only, of such types. A
/// member of a class or record type that is not sealed is judged by its declared type: the engine looks at the value it
/// holds (a mutable subclass there makes the value copied), which the build cannot see.
/// </summary>
internal static class ImmutabilityRules
{
    /// <summary>Why values of <paramref name="type"/> are copied on every hit, or null when they are shared.</summary>
    public static string? WhyMutable(ITypeSymbol type, StrataSymbols s) => WhyMutable(type, s, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));

    private static string? WhyMutable(ITypeSymbol type, StrataSymbols s, HashSet<ITypeSymbol> visiting)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return WhyMutable(nullable.TypeArguments[0], s, visiting);
        }

        if (type is ITypeParameterSymbol || type.TypeKind is TypeKind.Error or TypeKind.Dynamic)
        {
            return null;
        }

        if (IsAlwaysImmutable(type, s))
        {
            return null;
        }

        if (s.ImmutableObject is not null
            && type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, s.ImmutableObject)) is { } attribute)
        {
            return attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is true ? null : "is marked [ImmutableObject(false)]";
        }

        if (type is IArrayTypeSymbol)
        {
            return "is an array (arrays can be changed)";
        }

        if (type.SpecialType == SpecialType.System_Object || type.TypeKind is TypeKind.Delegate or TypeKind.Pointer)
        {
            return "is not an immutable type";
        }

        var ns = type.ContainingNamespace?.ToDisplayString();
        if (ns is "System.Collections.Immutable" or "System.Collections.Frozen")
        {
            if (type.ContainingType is not null)
            {
                return "is a builder of an immutable collection (it can be changed)";
            }

            return type is INamedTypeSymbol { IsGenericType: true } generic && generic.TypeArguments.All(a => WhyMutable(a, s, visiting) is null)
                ? null
                : "is an immutable collection of mutable elements";
        }

        if (type.TypeKind == TypeKind.Interface || type.IsAbstract)
        {
            return "is an interface or abstract type, whose instances may be mutable";
        }

        if (!visiting.Add(type))
        {
            return null;
        }

        try
        {
            var fromSource = type.Locations.Any(l => l.IsInSource);
            if (!fromSource && (StrataSymbols.InheritsOrImplements(type, s.CollectionOfT) || StrataSymbols.InheritsOrImplements(type, s.Collection)))
            {
                return "is a mutable collection";
            }

            for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member.IsStatic)
                    {
                        continue;
                    }

                    if (member is IFieldSymbol { IsConst: false } field)
                    {
                        if (type.TypeKind == TypeKind.Class && !field.IsReadOnly)
                        {
                            return field.AssociatedSymbol is IPropertySymbol p
                                ? $"has a settable property ('{p.Name}')"
                                : $"has a field that is not read-only ('{field.Name}')";
                        }

                        if (WhyMutable(field.Type, s, visiting) is not null)
                        {
                            return $"has state of a mutable type ('{field.AssociatedSymbol?.Name ?? field.Name}')";
                        }
                    }
                    else if (!fromSource && member is IPropertySymbol { IsIndexer: false } property && property.DeclaredAccessibility == Accessibility.Public)
                    {
                        // Fields of referenced types are not all visible: judge them by their public properties.
                        if (type.TypeKind == TypeKind.Class && property.SetMethod is { IsInitOnly: false, DeclaredAccessibility: Accessibility.Public })
                        {
                            return $"has a settable property ('{property.Name}')";
                        }

                        if (WhyMutable(property.Type, s, visiting) is not null)
                        {
                            return $"has state of a mutable type ('{property.Name}')";
                        }
                    }
                }
            }

            return null;
        }
        finally
        {
            visiting.Remove(type);
        }
    }

    private static bool IsAlwaysImmutable(ITypeSymbol type, StrataSymbols s)
    {
        if (KeyTypeRules.IsPrimitiveValue(type))
        {
            return true;
        }

        return type.TypeKind == TypeKind.Enum
            || s.SimpleTypes.Contains(type)
            || StrataSymbols.Is(type, s.Uri)
            || type.ToDisplayString() == "System.Type";
    }
}
