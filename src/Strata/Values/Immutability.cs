using System.Collections.Concurrent;
using System.ComponentModel;
using System.Numerics;
using System.Reflection;

namespace Strata;

/// <summary>
/// Decides, once per type, whether its instances can be handed to several callers by reference: primitives, strings,
/// enums, dates, <c>[ImmutableObject(true)]</c> types, System.Collections.Immutable and Frozen collections, and classes,
/// structs and records whose fields are all read-only (init-only properties) of such types. Everything else is copied.
/// </summary>
internal static class Immutability
{
    private static readonly ConcurrentDictionary<Type, bool> Cache = new();

    public static bool IsImmutable(Type type) => Cache.TryGetValue(type, out var result) ? result : Compute(type, []);

    private static bool Compute(Type type, HashSet<Type> visiting)
    {
        if (Cache.TryGetValue(type, out var cached))
        {
            return cached;
        }

        if (!visiting.Add(type))
        {
            return true; // recursive reference: decided by the other members
        }

        var result = Decide(type, visiting);
        visiting.Remove(type);
        if (visiting.Count == 0)
        {
            Cache.TryAdd(type, result);
        }

        return result;
    }

    private static bool Decide(Type type, HashSet<Type> visiting)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Compute(underlying, visiting);
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) ||
            type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan) ||
            type == typeof(Guid) || type == typeof(Uri) || type == typeof(Version) || type == typeof(BigInteger) || type == typeof(Half) ||
            type == typeof(Int128) || type == typeof(UInt128) || type == typeof(Type))
        {
            return true;
        }

        if (type.GetCustomAttribute<ImmutableObjectAttribute>() is { Immutable: var immutable })
        {
            return immutable;
        }

        if (type.IsArray || type.IsPointer || typeof(Delegate).IsAssignableFrom(type) || type == typeof(object))
        {
            return false;
        }

        if (type.Namespace is "System.Collections.Immutable" or "System.Collections.Frozen")
        {
            return type.IsGenericType && type.GetGenericArguments().All(a => Compute(a, visiting));
        }

        if (type.IsInterface || type.IsAbstract)
        {
            return false;
        }

        // A non-sealed class could be subclassed with mutable state; records are judged by their declared shape.
        if (type.IsClass && !type.IsSealed && !IsRecord(type) && visiting.Count > 1)
        {
            return false;
        }

        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (type.IsClass && !field.IsInitOnly)
                {
                    return false;
                }

                if (!Compute(field.FieldType, visiting))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$", BindingFlags.Instance | BindingFlags.Public) is not null;
}
