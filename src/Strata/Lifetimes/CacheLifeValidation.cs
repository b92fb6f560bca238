using System.Globalization;

namespace Strata;

/// <summary>Validation and normalization of <see cref="CacheLifeProfile"/> values, with the errors of Next.js 16.</summary>
internal static class CacheLifeValidation
{
    /// <summary>
    /// Normalizes a profile: infinities become <see cref="StrataDefaults.InfiniteSeconds"/>, values above it are capped.
    /// Throws <see cref="ArgumentException"/> with the Next.js message for NaN, negative values, or revalidate &gt; expire.
    /// </summary>
    public static CacheLifeProfile Normalize(CacheLifeProfile profile, string name)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var stale = NormalizeValue(profile.Stale, name, "stale");
        var revalidate = NormalizeValue(profile.Revalidate, name, "revalidate");
        var expire = NormalizeValue(profile.Expire, name, "expire");
        if (revalidate is { } r && expire is { } e && r > e)
        {
            throw new ArgumentException(ErrorMessages.RevalidateGreaterThanExpire(name));
        }

        return stale == profile.Stale && revalidate == profile.Revalidate && expire == profile.Expire
            ? profile
            : new CacheLifeProfile { Stale = stale, Revalidate = revalidate, Expire = expire };
    }

    private static double? NormalizeValue(double? value, string name, string key)
    {
        if (value is not { } v)
        {
            return null;
        }

        if (double.IsNaN(v) || double.IsNegativeInfinity(v) || v < 0)
        {
            throw new ArgumentException(
                $"Invalid \"cacheLife.{name}.{key}\" provided, expected a finite number of seconds or Infinity, received {v.ToString(CultureInfo.InvariantCulture)}. " +
                "Use a number of seconds that is zero or more, or double.PositiveInfinity for \"never\".");
        }

        return v >= StrataDefaults.InfiniteSeconds ? StrataDefaults.InfiniteSeconds : v;
    }
}
