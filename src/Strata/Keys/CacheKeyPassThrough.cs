using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Strata;

/// <summary>
/// Pass-through values: arguments that are handed to the function untouched and left out of the cache key, like React
/// elements in Next.js. <see cref="CancellationToken"/> always passes through; other layers register their own (Strata's
/// Razor integration registers <c>RenderFragment</c>). A captured value of a registered type is infrastructure and is
/// left out too. The function must not inspect a pass-through value (invoke it, read it, compare it): only hand it on or
/// return it, since a hit returns what the first caller's value produced. Delegates are not pass-through: they are keyed
/// by identity.
/// </summary>
public static class CacheKeyPassThrough
{
    private static readonly ConcurrentDictionary<Type, byte> Types = new();
    private static readonly ConcurrentDictionary<Type, bool> Decisions = new();
    private static volatile Func<Type, bool>[] s_predicates = [];
    private static int s_version;

    /// <summary>
    /// Makes values of <paramref name="type"/> (and types derived from it) pass-through: left out of keys as arguments,
    /// and infrastructure as captured values. The cached function must not inspect such a value.
    /// </summary>
    /// <param name="type">The type; open generic types match every construction.</param>
    public static void Register(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        Types.TryAdd(type, 0);
        Decisions.Clear();
        Interlocked.Increment(ref s_version);
    }

    /// <summary>Makes every type for which <paramref name="predicate"/> returns <see langword="true"/> pass-through.</summary>
    /// <param name="predicate">The test, called once per type.</param>
    public static void Register(Func<Type, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (Types)
        {
            s_predicates = [.. s_predicates, predicate];
        }

        Decisions.Clear();
        Interlocked.Increment(ref s_version);
    }

    /// <summary>Changes with every registration: decisions that depend on pass-through types are current while it is unchanged.</summary>
    internal static int Version => Volatile.Read(ref s_version);

    /// <summary>Whether values of <paramref name="type"/> are left out of keys and passed through.</summary>
    /// <param name="type">The runtime or declared type of a value.</param>
    public static bool IsPassThrough(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Decisions.GetOrAdd(type, static t => Decide(t));
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = StrataFeatures.InterfacesKept)]
    private static bool Decide(Type type)
    {
        if (type == typeof(CancellationToken))
        {
            return true;
        }

        for (var t = type; t is not null; t = t.BaseType)
        {
            if (Types.ContainsKey(t) || (t.IsGenericType && Types.ContainsKey(t.GetGenericTypeDefinition())))
            {
                return true;
            }
        }

        foreach (var i in type.GetInterfaces())
        {
            if (Types.ContainsKey(i) || (i.IsGenericType && Types.ContainsKey(i.GetGenericTypeDefinition())))
            {
                return true;
            }
        }

        foreach (var predicate in s_predicates)
        {
            if (predicate(type))
            {
                return true;
            }
        }

        return false;
    }
}
