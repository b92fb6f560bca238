using System.Collections.Concurrent;
using System.ComponentModel;

namespace Strata.Generated;

/// <summary>
/// The members that make the key of a record, class or struct, as Strata's source generator read them at build time
/// (the types of <c>[UseCache]</c> parameters and what they contain, declared in the same project). Key encoding reads
/// them through the registered getters instead of reflecting over fields, so a trimmed or Native AOT application keys
/// them exactly as any other build does. Generated code registers them from a module initializer; not meant to be
/// called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KeyedTypes
{
    private static readonly ConcurrentDictionary<Type, KeyMember[]> Shapes = new();

    /// <summary>Records the key members of <paramref name="type"/>: every instance field it has, each by the name key encoding uses.</summary>
    /// <param name="type">A record, class or struct whose state is public (properties with a public getter, public fields).</param>
    /// <param name="members">
    /// One entry per instance field of <paramref name="type"/> and its base types: the property an auto-property field
    /// belongs to (or the public field), its declared type, and a getter of its value from a boxed instance.
    /// </param>
    public static void Register(Type type, params (string Name, Type DeclaredType, Func<object, object?> Get)[] members)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(members);
        var shape = members.Select(m => KeyMember.ForGetter(m.Name, m.DeclaredType, m.Get)).ToArray();
        Array.Sort(shape, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        Shapes[type] = shape;
    }

    /// <summary>The registered members of <paramref name="type"/>, sorted as key encoding writes them.</summary>
    internal static bool TryGet(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KeyMember[]? members) =>
        Shapes.TryGetValue(type, out members);
}
