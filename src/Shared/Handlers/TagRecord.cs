using System.Globalization;

namespace Strata.Handlers.Internal;

/// <summary>
/// A tag's state as the shared store holds it (<c>revision|stale|expired|expiresAt</c>, Unix milliseconds, empty when
/// never set), with the revision of the update that wrote it. The rules are <see cref="TagState"/>'s, in C# here and in
/// Lua in the Redis handler's UpdateTags script.
/// </summary>
/// <param name="Revision">The tag version at the update; <see cref="LocalRevision"/> for a change not yet written.</param>
/// <param name="State">The tag's invalidations.</param>
internal readonly record struct TagRecord(long Revision, TagState State)
{
    public static TagRecord None => default;

    public const long LocalRevision = long.MaxValue;

    public bool IsLocal => Revision == LocalRevision;

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Revision}|{State.Stale}|{State.Expired}|{State.ExpiresAt}");

    /// <summary>Reads <c>revision|stale|expired|expiresAt</c> (or the earlier <c>revision|stale|expired</c>).</summary>
    public static TagRecord Parse(ReadOnlySpan<char> text)
    {
        Span<Range> parts = stackalloc Range[5];
        var count = text.Split(parts, '|');
        if (count is not (3 or 4))
        {
            return None;
        }

        return new TagRecord(
            ParseLong(text[parts[0]]) ?? 0,
            new TagState(ParseLong(text[parts[1]]), ParseLong(text[parts[2]]), count == 4 ? ParseLong(text[parts[3]]) : null));
    }

    public static TagRecord Apply(TagRecord existing, TagDurations? durations, long at, long now, long revision) =>
        new(revision, TagState.Apply(existing.State, durations, at, now));

    public static long Milliseconds(double seconds)
    {
        var ms = seconds * 1000;
        return ms >= long.MaxValue / 4 ? long.MaxValue / 4 : (long)ms;
    }

    private static long? ParseLong(ReadOnlySpan<char> text) =>
        text.IsEmpty ? null : long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
