using System.Globalization;

namespace Strata.Redis.Internal;

/// <summary>
/// A tag's timestamps as a shared store keeps them (Next.js's tags manifest entry), with the revision that wrote them:
/// stored as the text <c>rev|stale|expired</c>, an empty field meaning "never".
/// </summary>
internal readonly record struct TagRecord(long Revision, long? Stale, long? Expired)
{
    /// <summary>A tag that was never invalidated.</summary>
    public static TagRecord None => default;

    /// <summary>Revision of a change made while the store was unreachable: kept until it is written and read back.</summary>
    public const long LocalRevision = long.MaxValue;

    public bool IsLocal => Revision == LocalRevision;

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Revision}|{Stale}|{Expired}");

    public static TagRecord Parse(ReadOnlySpan<char> text)
    {
        var first = text.IndexOf('|');
        if (first < 0)
        {
            return None;
        }

        var rest = text[(first + 1)..];
        var second = rest.IndexOf('|');
        if (second < 0)
        {
            return None;
        }

        return new TagRecord(ParseLong(text[..first]) ?? 0, ParseLong(rest[..second]), ParseLong(rest[(second + 1)..]));
    }

    /// <summary>
    /// Applies an invalidation made at <paramref name="at"/> and written at <paramref name="now"/> (later when it was queued
    /// during an outage). Without durations the tag expires at <paramref name="at"/>; with them it becomes stale at
    /// <paramref name="at"/> and expires after <see cref="TagDurations.Expire"/> seconds. An expiry that has already passed
    /// and is later than the new one is kept, so that a replayed invalidation never revives entries a newer one expired.
    /// The Lua script of <see cref="RedisScripts.UpdateTags"/> does the same on the server.
    /// </summary>
    public static TagRecord Apply(TagRecord existing, TagDurations? durations, long at, long now, long revision)
    {
        long? stale = existing.Stale;
        long? incoming;
        if (durations is { } d)
        {
            stale = stale is { } s && s > at ? s : at;
            incoming = d.Expire is { } e ? at + Milliseconds(e) : existing.Expired;
        }
        else
        {
            incoming = at;
        }

        var expired = existing.Expired is { } x && x <= now && (incoming is not { } i || x > i) ? x : incoming;
        return new TagRecord(revision, stale, expired);
    }

    /// <summary>Seconds to milliseconds, capped as the engine caps them (so "never" stays far in the future without overflowing).</summary>
    public static long Milliseconds(double seconds)
    {
        var ms = seconds * 1000;
        return ms >= long.MaxValue / 4 ? long.MaxValue / 4 : (long)ms;
    }

    private static long? ParseLong(ReadOnlySpan<char> text) =>
        text.IsEmpty ? null : long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
