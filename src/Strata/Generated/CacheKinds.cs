using System.Collections.Concurrent;

namespace Strata.Generated;

/// <summary>
/// The cache kinds an application uses. Kinds are declared as cached functions are created (and by the code that
/// Strata's source generator writes, at module load), so that start-up can fail with the list of kinds that have no handler.
/// </summary>
public static class CacheKinds
{
    private static readonly ConcurrentDictionary<string, byte> Declared = new(StringComparer.Ordinal);

    /// <summary>Declares that the application uses <paramref name="kind"/>; checked against the registered handlers at start-up.</summary>
    /// <param name="kind">A kind name: <c>default</c>, <c>remote</c>, <c>private</c>, or lowercase letters and dashes.</param>
    /// <exception cref="ArgumentException">The name is not a valid kind name.</exception>
    public static void Declare(string kind)
    {
        Validate(kind);
        Declared.TryAdd(kind, 0);
    }

    /// <summary>The kinds declared so far.</summary>
    public static IReadOnlyCollection<string> All => Declared.Keys.ToArray();

    /// <summary>Whether <paramref name="kind"/> is a valid kind name: lowercase letters a-z and dashes.</summary>
    /// <param name="kind">The name to check.</param>
    public static bool IsValidName(string? kind)
    {
        if (string.IsNullOrEmpty(kind))
        {
            return false;
        }

        foreach (var c in kind)
        {
            if (c is not (>= 'a' and <= 'z' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    internal static void Validate(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (!IsValidName(kind))
        {
            throw new ArgumentException(ErrorMessages.InvalidKindName(kind), nameof(kind));
        }
    }
}
