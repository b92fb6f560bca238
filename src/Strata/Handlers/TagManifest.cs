using System.Collections.Concurrent;

namespace Strata;

/// <summary>
/// Tag timestamps (the counterpart of Next.js's tags manifest): for each tag, when it became stale and when it expires,
/// in Unix milliseconds. Entries made at or before those moments are stale or expired when read.
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

    /// <summary>
    /// Applies an invalidation at <paramref name="nowMilliseconds"/>: without durations the tags expire now; with them they
    /// become stale now and expire after <see cref="TagDurations.Expire"/> seconds.
    /// </summary>
    /// <param name="tags">The tags.</param>
    /// <param name="durations">The durations, or <see langword="null"/>.</param>
    /// <param name="nowMilliseconds">The time of the invalidation.</param>
    public void Update(IEnumerable<string> tags, TagDurations? durations, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            _tags.AddOrUpdate(
                tag,
                static (_, arg) => Apply(default, arg.durations, arg.now),
                static (_, existing, arg) => Apply(existing, arg.durations, arg.now),
                (durations, now: nowMilliseconds));
        }

        Interlocked.Increment(ref _version);
    }

    /// <summary>Sets a tag's state as another instance reported it (the later of the two timestamps wins).</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="state">The reported state.</param>
    public void Merge(string tag, TagState state)
    {
        ArgumentNullException.ThrowIfNull(tag);
        _tags.AddOrUpdate(
            tag,
            static (_, incoming) => incoming,
            static (_, existing, incoming) => new TagState(Max(existing.Stale, incoming.Stale), Max(existing.Expired, incoming.Expired)),
            state);
        Interlocked.Increment(ref _version);
    }

    /// <summary>
    /// What <paramref name="tags"/> say of an entry made at <paramref name="timestamp"/>, at <paramref name="nowMilliseconds"/>:
    /// expired, stale, and whether a tag will expire it later (then a verdict of "fresh" holds only until that moment, and must
    /// not be remembered).
    /// </summary>
    internal TagVerdict Judge(string[] tags, long timestamp, long nowMilliseconds)
    {
        var verdict = TagVerdict.Fresh;
        foreach (var tag in tags)
        {
            if (!_tags.TryGetValue(tag, out var state))
            {
                continue;
            }

            if (state.Expired is { } expired && expired >= timestamp)
            {
                if (expired <= nowMilliseconds)
                {
                    return TagVerdict.Expired;
                }

                verdict |= TagVerdict.ExpiresLater;
            }

            if (state.Stale is { } stale && stale >= timestamp)
            {
                verdict |= TagVerdict.Stale;
            }
        }

        return verdict;
    }

    /// <summary>The latest expiry (at or before now) of any of <paramref name="tags"/>; 0 when none expired.</summary>
    /// <param name="tags">The tags.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    public long GetExpiration(IReadOnlyList<string> tags, long nowMilliseconds)
    {
        long result = 0;
        for (var i = 0; i < tags.Count; i++)
        {
            if (_tags.TryGetValue(tags[i], out var state) && state.Expired is { } expired && expired <= nowMilliseconds && expired > result)
            {
                result = expired;
            }
        }

        return result;
    }

    private static TagState Apply(TagState existing, TagDurations? durations, long now) =>
        durations is { } d
            ? new TagState(now, d.Expire is { } e ? now + CacheEntry.ToMilliseconds(e) : existing.Expired)
            : existing with { Expired = now };

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}

/// <summary>When a tag became stale and when it expires, in Unix milliseconds.</summary>
/// <param name="Stale">Entries made at or before this are stale (refreshed in the background when read).</param>
/// <param name="Expired">Entries made at or before this are gone once this moment has passed.</param>
public readonly record struct TagState(long? Stale, long? Expired);

/// <summary>What the tag timestamps say of one entry (<see cref="TagManifest.Judge"/>).</summary>
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
