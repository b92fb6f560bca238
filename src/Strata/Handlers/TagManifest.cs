using System.Collections.Concurrent;

namespace Strata;

/// <summary>
/// Tag timestamps (the counterpart of Next.js's tags manifest) in process memory: for each tag, its <see cref="TagState"/>.
/// Entries made at or before an invalidation are stale or expired when read. The rules are <see cref="TagState"/>'s.
/// </summary>
public sealed class TagManifest
{
    private readonly ConcurrentDictionary<string, TagState> _tags = new(StringComparer.Ordinal);
    private int _version;

    /// <summary>Increases whenever a tag changes; lets readers skip tag checks when nothing changed since they last looked.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>The number of tags that were ever invalidated.</summary>
    public int Count => _tags.Count;

    /// <summary>The state of one tag, or <see langword="null"/> when it was never invalidated.</summary>
    /// <param name="tag">The tag.</param>
    public TagState? this[string tag] => _tags.TryGetValue(tag, out var state) ? state : null;

    /// <summary>Applies an invalidation made at <paramref name="nowMilliseconds"/> (<see cref="TagState.Apply"/>).</summary>
    /// <param name="tags">The tags.</param>
    /// <param name="durations">The durations of <c>RevalidateTag(tag, profile)</c>, or <see langword="null"/> to expire the tags now.</param>
    /// <param name="nowMilliseconds">The time of the invalidation.</param>
    public void Update(IEnumerable<string> tags, TagDurations? durations, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            _tags.AddOrUpdate(
                tag,
                static (_, arg) => TagState.Apply(default, arg.durations, arg.now, arg.now),
                static (_, existing, arg) => TagState.Apply(existing, arg.durations, arg.now, arg.now),
                (durations, now: nowMilliseconds));
        }

        Interlocked.Increment(ref _version);
    }

    /// <summary>What the tags say of an entry made at <paramref name="timestamp"/>, at <paramref name="nowMilliseconds"/>.</summary>
    internal TagVerdict Judge(string[] tags, long timestamp, long nowMilliseconds)
    {
        var verdict = TagVerdict.Fresh;
        foreach (var tag in tags)
        {
            if (_tags.TryGetValue(tag, out var state))
            {
                verdict |= state.Judge(timestamp, nowMilliseconds);
                if ((verdict & TagVerdict.Expired) != 0)
                {
                    return TagVerdict.Expired;
                }
            }
        }

        return verdict;
    }

    /// <summary>The latest expiry, at or before now, of any of <paramref name="tags"/>; 0 when none expired.</summary>
    /// <param name="tags">The tags.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    public long GetExpiration(IReadOnlyList<string> tags, long nowMilliseconds)
    {
        long result = 0;
        for (var i = 0; i < tags.Count; i++)
        {
            if (_tags.TryGetValue(tags[i], out var state))
            {
                result = Math.Max(result, state.ExpiredBy(nowMilliseconds));
            }
        }

        return result;
    }
}

/// <summary>
/// The invalidations of one tag, in Unix milliseconds: the rules every handler applies (the memory handler, the Redis and
/// <c>IDistributedCache</c> handlers, and yours), so that they agree with one another and with the engine.
/// </summary>
/// <remarks>
/// <para>
/// Next.js keeps two times per tag and overwrites <c>expired</c> with a future time when <c>revalidateTag(tag, profile)</c>
/// follows <c>updateTag(tag)</c>, which brings entries that were expired back as merely stale: an invalidation is lost.
/// Strata keeps a third: <see cref="Expired"/> only ever moves forward, and a profile's future expiry is kept apart in
/// <see cref="ExpiresAt"/>.
/// </para>
/// </remarks>
/// <param name="Stale">Entries made at or before this are stale: served once more and refreshed (<c>RevalidateTag(tag, profile)</c>).</param>
/// <param name="Expired">Entries made at or before this are gone once it has passed (<c>UpdateTag</c>, <c>RevalidatePath</c>, an expiry that came). Never moves back.</param>
/// <param name="ExpiresAt">
/// The expiry a profile scheduled (<c>RevalidateTag(tag, profile)</c> with <c>expire</c>): entries made at or before it are gone
/// once it has passed. A later profile replaces it, as in Next.js; once passed, it counts as <see cref="Expired"/>.
/// </param>
public readonly record struct TagState(long? Stale, long? Expired, long? ExpiresAt = null)
{
    /// <summary>
    /// A tag's state after an invalidation made at <paramref name="at"/> and applied at <paramref name="now"/> (later than
    /// <paramref name="at"/> when it was queued, e.g. while a store was unreachable).
    /// </summary>
    /// <param name="existing">The state before (<see langword="default"/> for a tag never invalidated).</param>
    /// <param name="durations">The durations of <c>RevalidateTag(tag, profile)</c>, or <see langword="null"/> to expire the tag now.</param>
    /// <param name="at">When the invalidation was made.</param>
    /// <param name="now">When it is applied.</param>
    /// <returns>The new state.</returns>
    public static TagState Apply(TagState existing, TagDurations? durations, long at, long now)
    {
        var expired = existing.Expired;
        var expiresAt = existing.ExpiresAt;
        if (expiresAt is { } scheduled && scheduled <= now)
        {
            expired = Max(expired, scheduled); // the scheduled expiry came: it is an expiry that happened
            expiresAt = null;
        }

        if (durations is not { } d)
        {
            return new TagState(existing.Stale, Max(expired, at), expiresAt);
        }

        var stale = Max(existing.Stale, at);
        if (d.Expire is { } seconds)
        {
            var until = at + CacheEntry.ToMilliseconds(seconds);
            if (until <= now)
            {
                return new TagState(stale, Max(expired, until), null);
            }

            expiresAt = until;
        }

        return new TagState(stale, expired, expiresAt);
    }

    /// <summary>What this tag says of an entry made at <paramref name="timestamp"/>, at <paramref name="now"/>.</summary>
    /// <param name="timestamp">When the entry's function started.</param>
    /// <param name="now">The current time.</param>
    /// <returns>Expired, stale, and whether an expiry still to come will expire the entry.</returns>
    internal TagVerdict Judge(long timestamp, long now)
    {
        var verdict = TagVerdict.Fresh;
        foreach (var expiry in (ReadOnlySpan<long?>)[Expired, ExpiresAt])
        {
            if (expiry is { } at && at >= timestamp)
            {
                if (at <= now)
                {
                    return TagVerdict.Expired;
                }

                verdict |= TagVerdict.ExpiresLater;
            }
        }

        return Stale is { } stale && stale >= timestamp ? verdict | TagVerdict.Stale : verdict;
    }

    /// <summary>Whether an entry made at <paramref name="timestamp"/> is expired by this tag at <paramref name="now"/>.</summary>
    /// <param name="timestamp">When the entry's function started.</param>
    /// <param name="now">The current time.</param>
    public bool Expires(long timestamp, long now) => Judge(timestamp, now) == TagVerdict.Expired;

    /// <summary>Whether an entry made at <paramref name="timestamp"/> is stale by this tag (and not expired).</summary>
    /// <param name="timestamp">When the entry's function started.</param>
    public bool MakesStale(long timestamp) => Stale is { } stale && stale >= timestamp;

    /// <summary>The latest expiry of this tag at or before <paramref name="now"/>; 0 when none (a handler's <c>GetExpirationAsync</c>).</summary>
    /// <param name="now">The current time.</param>
    public long ExpiredBy(long now)
    {
        long result = 0;
        foreach (var expiry in (ReadOnlySpan<long?>)[Expired, ExpiresAt])
        {
            if (expiry is { } at && at <= now && at > result)
            {
                result = at;
            }
        }

        return result;
    }

    private static long? Max(long? a, long b) => a is { } value && value > b ? value : b;
}

/// <summary>What the tag timestamps say of one entry.</summary>
[Flags]
internal enum TagVerdict
{
    /// <summary>No tag changed since the entry was made.</summary>
    Fresh = 0,

    /// <summary>A tag became stale since the entry was made: serve it once more and refresh it.</summary>
    Stale = 1,

    /// <summary>A tag will expire the entry at a later moment.</summary>
    ExpiresLater = 2,

    /// <summary>A tag expired the entry: it is gone.</summary>
    Expired = 4,
}
