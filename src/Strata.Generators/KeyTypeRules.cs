using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>Why a value cannot be part of a cache key: where (a path from the parameter), its type and the reason.</summary>
internal sealed record KeyProblem(string Path, ITypeSymbol Type, string Reason);

/// <summary>
/// The cache-key rules of the engine's encoder (src/Strata/Keys/KeyTypeInfo.cs), applied to declared types. Values are
/// encoded by their run-time type, so what the declared type cannot decide (object, type parameters) is left to the run time.
/// </summary>
internal static class KeyTypeRules
{
    public const string RequestStateReason = "is request state, not plain data; read the values the function needs (an id, a culture, a user id) outside it and pass them instead";

    public const string ServiceReason = "is a service, not plain data; pass the values that select the data (an id, a filter) instead";

    /// <summary>
    /// Whether arguments of this type are passed through, untouched and left out of the key: <c>CancellationToken</c>
    /// and Blazor's <c>RenderFragment</c>/<c>RenderFragment&lt;T&gt;</c> (which Strata.AspNetCore registers with
    /// CacheKeyPassThrough). Other delegates are keyed by identity.
    /// </summary>
    public static bool IsPassThrough(ITypeSymbol type, StrataSymbols s) =>
        StrataSymbols.Is(type, s.CancellationToken) || IsRenderFragment(type, s);

    /// <summary>Whether the type is <c>RenderFragment</c> or <c>RenderFragment&lt;T&gt;</c>: pass-through values a cached function must not inspect.</summary>
    public static bool IsRenderFragment(ITypeSymbol type, StrataSymbols s) =>
        StrataSymbols.Is(type, s.RenderFragment) || StrataSymbols.Is(type, s.RenderFragmentOfT);

    public static KeyProblem? Check(ITypeSymbol type, string path, StrataSymbols s) => Check(type, path, s, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default), 0);

    private static KeyProblem? Check(ITypeSymbol type, string path, StrataSymbols s, HashSet<ITypeSymbol> visiting, int depth)
    {
        if (depth > 8 || type is ITypeParameterSymbol || type.SpecialType == SpecialType.System_Object || type.TypeKind == TypeKind.Error || type.TypeKind == TypeKind.Dynamic)
        {
            return null;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return Check(nullable.TypeArguments[0], path, s, visiting, depth);
        }

        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol || type.IsRefLikeType)
        {
            return new KeyProblem(path, type, "is a pointer or by-ref type");
        }

        // Delegates are keyed by identity at run time: their method, and what their target captured.
        if (IsSimple(type, s) || IsPassThrough(type, s) || type.TypeKind == TypeKind.Delegate)
        {
            return null;
        }

        if (Unsupported(type, s) is { } reason)
        {
            return new KeyProblem(path, type, reason);
        }

        if (!visiting.Add(type))
        {
            return null;
        }

        try
        {
            return CheckComposite(type, path, s, visiting, depth);
        }
        finally
        {
            visiting.Remove(type);
        }
    }

    private static KeyProblem? CheckComposite(ITypeSymbol type, string path, StrataSymbols s, HashSet<ITypeSymbol> visiting, int depth)
    {
        var dictionary = StrataSymbols.FindConstruction(type, s.DictionaryOfT) ?? StrataSymbols.FindConstruction(type, s.ReadOnlyDictionaryOfT);
        if (dictionary is not null)
        {
            return Check(dictionary.TypeArguments[0], path + ".Keys", s, visiting, depth + 1)
                ?? Check(dictionary.TypeArguments[1], path + "[]", s, visiting, depth + 1);
        }

        if (StrataSymbols.InheritsOrImplements(type, s.Dictionary))
        {
            return null;
        }

        var set = StrataSymbols.FindConstruction(type, s.SetOfT) ?? StrataSymbols.FindConstruction(type, s.ReadOnlySetOfT);
        if (set is not null)
        {
            return Check(set.TypeArguments[0], path + "[]", s, visiting, depth + 1);
        }

        if (type is IArrayTypeSymbol array)
        {
            return array.Rank != 1
                ? new KeyProblem(path, type, "is a multi-dimensional array; use a jagged array or a list")
                : Check(array.ElementType, path + "[]", s, visiting, depth + 1);
        }

        var collection = StrataSymbols.FindConstruction(type, s.CollectionOfT) ?? StrataSymbols.FindConstruction(type, s.ReadOnlyCollectionOfT);
        if (collection is not null)
        {
            return Check(collection.TypeArguments[0], path + "[]", s, visiting, depth + 1);
        }

        if (StrataSymbols.InheritsOrImplements(type, s.Collection))
        {
            return null;
        }

        if (StrataSymbols.InheritsOrImplements(type, s.Enumerable))
        {
            return new KeyProblem(path, type, "is a lazily evaluated sequence (an IEnumerable that is not a collection); materialize it with ToArray() or ToList() before passing it");
        }

        if (type.TypeKind == TypeKind.Interface)
        {
            return new KeyProblem(path, type, "is an interface that is not a collection, which usually stands for a service rather than plain data; pass the values the function needs, or a record");
        }

        if (type is INamedTypeSymbol named && (StrataSymbols.Is(named, s.KeyValuePair) || IsTuple(named)))
        {
            var i = 0;
            foreach (var argument in named.TypeArguments)
            {
                if (Check(argument, path + ".Item" + ++i, s, visiting, depth + 1) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        return CheckObject(type, path, s, visiting, depth);
    }

    private static KeyProblem? CheckObject(ITypeSymbol type, string path, StrataSymbols s, HashSet<ITypeSymbol> visiting, int depth)
    {
        var fromSource = type.Locations.Any(l => l.IsInSource);
        var sawPublicState = false;
        for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                if (member.IsStatic)
                {
                    continue;
                }

                ITypeSymbol? memberType;
                string name;
                if (member is IFieldSymbol field)
                {
                    if (field.IsConst)
                    {
                        continue;
                    }

                    if (field.DeclaredAccessibility == Accessibility.Public)
                    {
                        (memberType, name) = (field.Type, field.Name);
                    }
                    else if (field.AssociatedSymbol is IPropertySymbol { GetMethod.DeclaredAccessibility: Accessibility.Public } property)
                    {
                        (memberType, name) = (property.Type, property.Name);
                    }
                    else if (fromSource)
                    {
                        var display = field.AssociatedSymbol?.Name ?? field.Name;
                        return new KeyProblem(path, type, $"has non-public state ('{display}'), so it is not plain data (a record or a class whose state is public properties)");
                    }
                    else
                    {
                        continue;
                    }
                }
                else if (!fromSource && member is IPropertySymbol { GetMethod.DeclaredAccessibility: Accessibility.Public, IsIndexer: false } metadataProperty)
                {
                    // The private fields of referenced types are not visible here: judge them by their public properties.
                    (memberType, name) = (metadataProperty.Type, metadataProperty.Name);
                }
                else
                {
                    continue;
                }

                sawPublicState = true;
                if (Check(memberType, path + "." + name, s, visiting, depth + 1) is { } problem)
                {
                    return problem;
                }
            }
        }

        if (!fromSource && !sawPublicState && type.TypeKind == TypeKind.Class)
        {
            return new KeyProblem(path, type, "has no public state, so it looks like a service rather than plain data; pass the values the function needs instead");
        }

        return null;
    }

    private static bool IsTuple(INamedTypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() == "System" && type.Name == "Tuple" && type.IsGenericType;

    /// <summary>Primitives, string and DateTime: values that are both key-encodable and immutable.</summary>
    internal static bool IsPrimitiveValue(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
            case SpecialType.System_String:
            case SpecialType.System_DateTime:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return true;
            default:
                return false;
        }
    }

    private static bool IsSimple(ITypeSymbol type, StrataSymbols s)
    {
        if (IsPrimitiveValue(type))
        {
            return true;
        }

        if (type.TypeKind == TypeKind.Enum || s.SimpleTypes.Contains(type) || s.CanonicalKeyTypes.Contains(type)
            || StrataSymbols.InheritsOrImplements(type, s.Uri) || StrataSymbols.InheritsOrImplements(type, s.Encoding))
        {
            return true;
        }

        if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
        {
            return true;
        }

        return type is INamedTypeSymbol { TypeArguments.Length: 1 } named
            && named.TypeArguments[0].SpecialType == SpecialType.System_Byte
            && (StrataSymbols.Is(named, s.ReadOnlyMemory) || StrataSymbols.Is(named, s.Memory) || StrataSymbols.Is(named, s.ArraySegment));
    }

    private static string? Unsupported(ITypeSymbol type, StrataSymbols s)
    {
        if (StrataSymbols.InheritsOrImplements(type, s.Stream))
        {
            return "is a stream, whose content cannot be part of a key; read it and pass the data (e.g. a byte[]) instead";
        }

        if (StrataSymbols.InheritsOrImplements(type, s.Task) || StrataSymbols.Is(type, s.ValueTask) || StrataSymbols.Is(type, s.ValueTaskOfT))
        {
            return "is a task; await it outside the cached function and pass its result instead";
        }

        if (StrataSymbols.InheritsOrImplements(type, s.MemberInfo) || StrataSymbols.InheritsOrImplements(type, s.Assembly) || StrataSymbols.InheritsOrImplements(type, s.Module))
        {
            return "is a reflection object (Type, MethodInfo, Assembly...)";
        }

        if (StrataSymbols.InheritsOrImplements(type, s.Queryable))
        {
            return "is a query (IQueryable); run it outside the cached function, or pass the values that select the data instead";
        }

        if (StrataSymbols.IsAnyOf(type, s.RequestStateTypes))
        {
            return RequestStateReason;
        }

        if (StrataSymbols.IsAnyOf(type, s.InfrastructureTypes))
        {
            return ServiceReason;
        }

        if (StrataSymbols.InheritsOrImplements(type, s.Disposable) || StrataSymbols.InheritsOrImplements(type, s.AsyncDisposable))
        {
            return "is disposable, which marks a service or a resource rather than plain data";
        }

        return null;
    }
}
