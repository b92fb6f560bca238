using System;
using System.Collections.Generic;
using System.Linq;

namespace Strata.Generators;

/// <summary>Cache kind names: the engine's validity rule and the near-miss check (<c>"privte"</c> → <c>"private"</c>).</summary>
internal static class KindRules
{
    public static readonly string[] BuiltIn = { "default", "remote", "private" };

    /// <summary>The engine's rule (CacheKinds.IsValidName): lowercase letters a-z and dashes.</summary>
    public static bool IsValidName(string? kind) => !string.IsNullOrEmpty(kind) && kind!.All(c => c is >= 'a' and <= 'z' or '-');

    /// <summary>The known kind <paramref name="kind"/> is a typo of (one or two edits, ignoring case), or null.</summary>
    public static string? NearMiss(string kind, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            if (candidate == kind)
            {
                return null;
            }

            var distance = TextDistance.Levenshtein(kind.Trim().ToLowerInvariant(), candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= 2 && kind.Length > 2 ? best : null;
    }
}
