using System.Collections.Concurrent;

namespace Strata.Redis.Internal;

/// <summary>What a tag check says about an entry.</summary>
internal enum TagVerdict
{
    /// <summary>No tag of the entry was invalidated after it was made.</summary>
    Valid,

    /// <summary>A tag became stale after the entry was made: serve it once and refresh it.</summary>
    Stale,

    /// <summary>A tag expired after the entry was made: the entry is gone.</summary>
    Expired,
}

/// <summary>
/// The tag records an instance knows, read from the shared store and kept current by invalidation messages. A tag that
/// is not here is unknown (it must be read before an entry carrying it can be trusted); a tag read as never invalidated
/// is here as <see cref="TagRecord.None"/>.
/// </summary>
internal sealed class TagStates
{
    /// <summary>Past this many known tags, all are forgotten (and read again when needed).</summary>
    private const int MaxKnownTags = 100_000;

    private readonly ConcurrentDictionary<string, TagRecord> _records = new(StringComparer.Ordinal);

    /// <summary>Checks an entry's tags; <see langword="false"/> when one of them is unknown (unless <paramref name="unknownIsValid"/>).</summary>
    public bool TryEvaluate(CacheEntry entry, long now, out TagVerdict verdict, bool unknownIsValid = false)
    {
        verdict = TagVerdict.Valid;
        var tags = entry.Tags;
        for (var i = 0; i < tags.Count; i++)
        {
            if (!_records.TryGetValue(tags[i], out var record))
            {
                if (unknownIsValid)
                {
                    continue;
                }

                return false;
            }

            if (record.State.Expires(entry.Timestamp, now))
            {
                verdict = TagVerdict.Expired;
                return true;
            }

            if (record.State.MakesStale(entry.Timestamp))
            {
                verdict = TagVerdict.Stale;
            }
        }

        return true;
    }

    /// <summary>The latest expiry (at or before now) of the tags; <see langword="false"/> when one of them is unknown.</summary>
    public bool TryGetExpiration(IReadOnlyList<string> tags, long now, out long expiration)
    {
        expiration = 0;
        for (var i = 0; i < tags.Count; i++)
        {
            if (!_records.TryGetValue(tags[i], out var record))
            {
                return false;
            }

            expiration = Math.Max(expiration, record.State.ExpiredBy(now));
        }

        return true;
    }

    public List<string>? Unknown(IReadOnlyList<string> tags)
    {
        List<string>? unknown = null;
        for (var i = 0; i < tags.Count; i++)
        {
            if (!_records.ContainsKey(tags[i]) && (unknown is null || !unknown.Contains(tags[i])))
            {
                (unknown ??= []).Add(tags[i]);
            }
        }

        return unknown;
    }

    /// <summary>
    /// Takes a record read from the store or a message: the higher revision wins; a local (not yet written) record is kept
    /// until the store's record says at least as much (its invalidation was written). Returns whether the record was taken.
    /// </summary>
    public bool Merge(string tag, TagRecord incoming)
    {
        if (_records.Count >= MaxKnownTags)
        {
            _records.Clear();
        }

        return incoming == _records.AddOrUpdate(
            tag,
            static (_, record) => record,
            static (_, existing, record) => (existing.IsLocal && !Covers(record.State, existing.State)) || (!existing.IsLocal && existing.Revision > record.Revision) ? existing : record,
            incoming);
    }

    /// <summary>Records a change made here while the store is unreachable.</summary>
    public void ApplyLocally(string tag, TagDurations? durations, long now)
    {
        _records.AddOrUpdate(
            tag,
            static (_, arg) => TagRecord.Apply(TagRecord.None, arg.durations, arg.now, arg.now, TagRecord.LocalRevision),
            static (_, existing, arg) => TagRecord.Apply(existing, arg.durations, arg.now, arg.now, TagRecord.LocalRevision),
            (durations, now));
    }

    public void Clear() => _records.Clear();

    /// <summary>Whether <paramref name="state"/> invalidates at least as much as <paramref name="local"/>.</summary>
    private static bool Covers(TagState state, TagState local) =>
        AtLeast(state.Stale, local.Stale) && AtLeast(state.Expired, local.Expired)
        && (local.ExpiresAt is null || state.ExpiresAt is not null || AtLeast(state.Expired, local.ExpiresAt));

    private static bool AtLeast(long? value, long? than) => than is not { } t || (value is { } v && v >= t);
}
