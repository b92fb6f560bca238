using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Reflection;

namespace Strata;

/// <summary>
/// Decides whether a value can be handed to several callers by reference: nothing any caller could change is reachable
/// from it. Immutable are primitives, strings, enums, dates, <c>[ImmutableObject(true)]</c> types, System.Collections.Immutable
/// and Frozen collections (not their builders) of immutable items, and classes, structs and records whose fields are all
/// read-only (init-only properties) of immutable types. A member declared as an open type (an interface, <see cref="object"/>,
/// a class or record that is not sealed) is judged by the value it holds, since a subclass can add mutable state: the shape
/// of each type is worked out once, and only such members are looked at per value, when the value is made.
/// </summary>
internal static class Immutability
{
    /// <summary>How deep <see cref="IsShared(object?)"/> follows open members before it gives up (and the value is copied).</summary>
    private const int MaxDepth = 128;

    private static readonly ConcurrentDictionary<Type, Shape> Shapes = new();

    /// <summary>The types whose shape this thread is working out (a type may refer to itself).</summary>
    [ThreadStatic]
    private static HashSet<Type>? t_working;

    /// <summary>Whether every value whose runtime type is <paramref name="type"/> is immutable, whatever its members hold.</summary>
    public static bool IsImmutable(Type type) => ShapeOf(type).Kind == Kind.Immutable;

    /// <summary>Whether <paramref name="value"/> can be handed to every caller by reference.</summary>
    public static bool IsShared(object? value) => value is null || IsShared(value, 0);

    private static bool IsShared(object value, int depth)
    {
        var shape = ShapeOf(value.GetType());
        if (shape.Kind != Kind.Open)
        {
            return shape.Kind == Kind.Immutable;
        }

        if (depth >= MaxDepth)
        {
            return false;
        }

        foreach (var field in shape.OpenFields)
        {
            if (field.GetValue(value) is { } member && !IsShared(member, depth + 1))
            {
                return false;
            }
        }

        return !shape.OpenItems || ItemsAreShared((IEnumerable)value, depth + 1);
    }

    private static bool ItemsAreShared(IEnumerable items, int depth)
    {
        try
        {
            foreach (var item in items)
            {
                if (item is not null && !IsShared(item, depth))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException)
        {
            return false; // a default ImmutableArray<T> cannot be enumerated: copy it (the copy decides)
        }
    }

    /// <summary>The shape of <paramref name="type"/> as the runtime type of a value (so its own sealedness does not matter).</summary>
    private static Shape ShapeOf(Type type)
    {
        if (Shapes.TryGetValue(type, out var shape))
        {
            return shape;
        }

        // A type met again while its shape is worked out is judged open: its members are then looked at per value, which
        // is always right (only slower for recursive types).
        var working = t_working ??= [];
        if (!working.Add(type))
        {
            return Shape.OpenItself;
        }

        try
        {
            shape = Decide(type);
        }
        finally
        {
            working.Remove(type);
        }

        return Shapes.GetOrAdd(type, shape);
    }

    private static Shape Decide(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return ShapeOf(underlying);
        }

        if (IsScalar(type))
        {
            return Shape.Immutable;
        }

        if (type.GetCustomAttribute<ImmutableObjectAttribute>() is { Immutable: var immutable })
        {
            return immutable ? Shape.Immutable : Shape.Mutable;
        }

        if (type.Namespace is "System.Collections.Immutable" or "System.Collections.Frozen")
        {
            return ImmutableCollection(type);
        }

        if (type.IsArray || type.IsPointer || typeof(Delegate).IsAssignableFrom(type) || type == typeof(object) || type.IsInterface || type.IsAbstract)
        {
            return Shape.Mutable; // as a runtime type; as a member type, see Member
        }

        if (type.IsGenericType && type.Name.StartsWith("<>z__ReadOnly", StringComparison.Ordinal))
        {
            // What the compiler makes of a collection expression typed as IEnumerable<T>, IReadOnlyList<T>...: no member changes it.
            return Items(type);
        }

        // Trimmed and Native AOT apps: fields read by reflection may be incomplete there, so such a type is copied, never shared.
        return StrataFeatures.IsReflectionEnabled ? Fields(type) : Shape.Mutable;
    }

    /// <summary>The shape of a type from its instance fields (and its base types').</summary>
    [RequiresUnreferencedCode("Reads the fields of a type known at run time.")]
    private static Shape Fields(Type type)
    {
        var open = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!type.IsValueType && !field.IsInitOnly)
                {
                    return Shape.Mutable;
                }

                switch (Member(field.FieldType))
                {
                    case Kind.Mutable:
                        return Shape.Mutable;
                    case Kind.Open:
                        open.Add(field);
                        break;
                }
            }
        }

        return open.Count == 0 ? Shape.Immutable : new Shape(Kind.Open, [.. open], OpenItems: false);
    }

    /// <summary>
    /// An immutable or frozen collection: immutable when its items are. Builders and enumerators (nested types) are not.
    /// Frozen collections are internal subclasses of <c>FrozenSet&lt;T&gt;</c> / <c>FrozenDictionary&lt;TKey, TValue&gt;</c>: the
    /// items are those of the first public generic type up the chain.
    /// </summary>
    private static Shape ImmutableCollection(Type type)
    {
        if (type.IsNested)
        {
            return Shape.Mutable;
        }

        var collection = type;
        while (collection is not null && !(collection.IsGenericType && collection.IsPublic))
        {
            collection = collection.BaseType;
        }

        return collection is null || collection.Namespace is not ("System.Collections.Immutable" or "System.Collections.Frozen") ? Shape.Mutable : Items(collection);
    }

    /// <summary>A collection that cannot be changed: immutable when its items (its generic arguments) are.</summary>
    private static Shape Items(Type collection)
    {
        var kind = Kind.Immutable;
        foreach (var item in collection.GetGenericArguments())
        {
            switch (Member(item))
            {
                case Kind.Mutable:
                    return Shape.Mutable;
                case Kind.Open:
                    kind = Kind.Open;
                    break;
            }
        }

        return kind == Kind.Immutable ? Shape.Immutable : new Shape(Kind.Open, [], OpenItems: true);
    }

    /// <summary>
    /// What a member (a field, or the items of a collection) declared as <paramref name="declared"/> may hold. An exact type
    /// (sealed, or a struct) is judged by its shape. An open type is judged per value, unless its own fields already make it
    /// mutable (a subclass keeps them).
    /// </summary>
    private static Kind Member(Type declared)
    {
        if (Nullable.GetUnderlyingType(declared) is { } underlying)
        {
            declared = underlying;
        }

        if (declared.IsInterface || declared.IsAbstract || declared == typeof(object))
        {
            return Kind.Open;
        }

        var kind = ShapeOf(declared).Kind;
        return kind == Kind.Mutable || declared.IsSealed || declared.IsValueType ? kind : Kind.Open;
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) ||
        type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan) ||
        type == typeof(Guid) || type == typeof(Uri) || type == typeof(Version) || type == typeof(BigInteger) || type == typeof(Half) ||
        type == typeof(Int128) || type == typeof(UInt128) || typeof(Type).IsAssignableFrom(type);

    private enum Kind
    {
        Mutable,
        Immutable,

        /// <summary>Immutable when the values in <see cref="Shape.OpenFields"/> (and the items, with <see cref="Shape.OpenItems"/>) are.</summary>
        Open,
    }

    private sealed record Shape(Kind Kind, FieldInfo[] OpenFields, bool OpenItems)
    {
        public static readonly Shape Mutable = new(Kind.Mutable, [], false);

        public static readonly Shape Immutable = new(Kind.Immutable, [], false);

        /// <summary>A type met again while its own shape is worked out.</summary>
        public static readonly Shape OpenItself = new(Kind.Open, [], false);
    }
}
