namespace Strata;

/// <summary>
/// One cache entry, as handlers store it: the value, its explicit tags, its creation time and its three lifetimes
/// (the shape of Next.js's <c>CacheEntry</c>). Entries are immutable.
/// </summary>
public sealed class CacheEntry
{
    private readonly string[] _tags;

    /// <summary>Creates an entry.</summary>
    /// <param name="value">The value.</param>
    /// <param name="tags">The explicit tags (implicit path tags are never stored).</param>
    /// <param name="timestamp">When the function that made the value started, in Unix milliseconds.</param>
    /// <param name="stale">Seconds a client may reuse the value (client only).</param>
    /// <param name="revalidate">Seconds after which a read refreshes the value in the background; negative forces a refresh.</param>
    /// <param name="expire">Seconds after which the value may no longer be served.</param>
    public CacheEntry(CacheValue value, IEnumerable<string> tags, long timestamp, double stale, double revalidate, double expire)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(tags);
        Value = value;
        _tags = tags as string[] ?? tags.ToArray();
        Timestamp = timestamp;
        Stale = stale;
        Revalidate = revalidate;
        Expire = expire;
        StaleAt = revalidate < 0 ? long.MinValue : revalidate >= StrataDefaults.InfiniteSeconds ? long.MaxValue : timestamp + ToMilliseconds(revalidate);
        ExpireAt = expire >= StrataDefaults.InfiniteSeconds ? long.MaxValue : timestamp + ToMilliseconds(expire);
        StaleAt = Math.Min(StaleAt, ExpireAt);
    }

    /// <summary>The value.</summary>
    public CacheValue Value { get; }

    /// <summary>The explicit tags given with <c>CacheTag()</c> (and those of nested caches).</summary>
    public IReadOnlyList<string> Tags => _tags;

    /// <summary>When the function that made the value started, in Unix milliseconds.</summary>
    public long Timestamp { get; }

    /// <summary>Seconds a client may reuse the value without asking the server.</summary>
    public double Stale { get; }

    /// <summary>Seconds after <see cref="Timestamp"/> when the value becomes stale; negative means "stale now".</summary>
    public double Revalidate { get; }

    /// <summary>Seconds after <see cref="Timestamp"/> when the value expires.</summary>
    public double Expire { get; }

    /// <summary>The Unix millisecond after which the value is stale (<see cref="long.MaxValue"/> for never).</summary>
    public long StaleAt { get; }

    /// <summary>The Unix millisecond after which the value is expired (<see cref="long.MaxValue"/> for never).</summary>
    public long ExpireAt { get; }

    internal string[] TagArray => _tags;

    /// <summary>A copy with another <see cref="Revalidate"/>: handlers return <c>WithRevalidate(-1)</c> for an entry whose tag became stale.</summary>
    /// <param name="revalidate">The new revalidate, in seconds.</param>
    /// <returns>The copy.</returns>
    public CacheEntry WithRevalidate(double revalidate) => new(Value, _tags, Timestamp, Stale, revalidate, Expire);

    /// <summary>Whether the entry is stale at <paramref name="nowMilliseconds"/>.</summary>
    /// <param name="nowMilliseconds">The current time in Unix milliseconds.</param>
    public bool IsStale(long nowMilliseconds) => nowMilliseconds > StaleAt;

    /// <summary>Whether the entry is expired at <paramref name="nowMilliseconds"/>.</summary>
    /// <param name="nowMilliseconds">The current time in Unix milliseconds.</param>
    public bool IsExpired(long nowMilliseconds) => nowMilliseconds > ExpireAt;

    internal static long ToMilliseconds(double seconds)
    {
        var ms = seconds * 1000;
        return ms >= long.MaxValue / 4 ? long.MaxValue / 4 : (long)ms;
    }
}
