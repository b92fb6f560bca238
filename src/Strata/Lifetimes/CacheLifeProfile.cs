namespace Strata;

/// <summary>
/// A cache lifetime profile, the counterpart of a Next.js <c>cacheLife</c> profile. All values are in seconds;
/// <see cref="double.PositiveInfinity"/> (or <see cref="StrataDefaults.InfiniteSeconds"/>) means "never".
/// A value left <see langword="null"/> keeps whatever the scope already has (the default profile, or a shorter
/// lifetime propagated from a nested cache).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><see cref="Stale"/>: how long a browser may reuse the result without asking the server (client only).</description></item>
/// <item><description><see cref="Revalidate"/>: after this, a read serves the cached value at once and refreshes it in the background.</description></item>
/// <item><description><see cref="Expire"/>: after this, the entry is gone; the next read waits for a fresh value.</description></item>
/// </list>
/// </remarks>
public sealed record CacheLifeProfile
{
    /// <summary>Seconds a client may reuse the value without checking with the server. <see langword="null"/> keeps the current value.</summary>
    public double? Stale { get; init; }

    /// <summary>Seconds after which the value is refreshed in the background (stale-while-revalidate). <see langword="null"/> keeps the current value.</summary>
    public double? Revalidate { get; init; }

    /// <summary>Seconds after which the value can no longer be served. <see langword="null"/> keeps the current value.</summary>
    public double? Expire { get; init; }

    /// <summary>The built-in <c>default</c> profile: stale 300 s, revalidate 900 s, expire never.</summary>
    public static CacheLifeProfile Default { get; } = new() { Stale = 300, Revalidate = 900, Expire = StrataDefaults.InfiniteSeconds };

    /// <summary>The built-in <c>seconds</c> profile: stale 30 s, revalidate 1 s, expire 60 s.</summary>
    public static CacheLifeProfile Seconds { get; } = new() { Stale = 30, Revalidate = 1, Expire = 60 };

    /// <summary>The built-in <c>minutes</c> profile: stale 300 s, revalidate 60 s, expire 3600 s.</summary>
    public static CacheLifeProfile Minutes { get; } = new() { Stale = 300, Revalidate = 60, Expire = 3600 };

    /// <summary>The built-in <c>hours</c> profile: stale 300 s, revalidate 3600 s, expire 86400 s.</summary>
    public static CacheLifeProfile Hours { get; } = new() { Stale = 300, Revalidate = 3600, Expire = 86400 };

    /// <summary>The built-in <c>days</c> profile: stale 300 s, revalidate 86400 s, expire 604800 s.</summary>
    public static CacheLifeProfile Days { get; } = new() { Stale = 300, Revalidate = 86400, Expire = 604800 };

    /// <summary>The built-in <c>weeks</c> profile: stale 300 s, revalidate 604800 s, expire 2592000 s.</summary>
    public static CacheLifeProfile Weeks { get; } = new() { Stale = 300, Revalidate = 604800, Expire = 2592000 };

    /// <summary>The built-in <c>max</c> profile: stale 300 s, revalidate 2592000 s, expire 31536000 s.</summary>
    public static CacheLifeProfile Max { get; } = new() { Stale = 300, Revalidate = 2592000, Expire = 31536000 };

    /// <summary>The built-in profiles by name: default, seconds, minutes, hours, days, weeks, max.</summary>
    public static IReadOnlyDictionary<string, CacheLifeProfile> BuiltIn { get; } = new Dictionary<string, CacheLifeProfile>(StringComparer.Ordinal)
    {
        ["default"] = Default,
        ["seconds"] = Seconds,
        ["minutes"] = Minutes,
        ["hours"] = Hours,
        ["days"] = Days,
        ["weeks"] = Weeks,
        ["max"] = Max,
    };
}
