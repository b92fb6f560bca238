using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Strata.AspNetCore.Components;

/// <summary>
/// The value a cached component stores: its HTML cut at the holes. <see cref="Segments"/> has one more item than
/// <see cref="Holes"/>: segment 0, hole 0, segment 1, hole 1, ... Each hole names the RenderFragment parameter rendered
/// there, live, on every request. Immutable, so hits hand out the same instance without copying.
/// </summary>
internal sealed class CachedHtml
{
    [JsonConstructor]
    public CachedHtml(ImmutableArray<string> segments, ImmutableArray<string> holes)
    {
        Segments = segments;
        Holes = holes;
    }

    public ImmutableArray<string> Segments { get; }

    public ImmutableArray<string> Holes { get; }

    /// <summary>Cuts the HTML of a render at the hole markers written by <see cref="HoleMarkers"/>.</summary>
    public static CachedHtml Parse(string html, HoleMarkers markers, IReadOnlyList<string> holeNames)
    {
        var segments = ImmutableArray.CreateBuilder<string>();
        var holes = ImmutableArray.CreateBuilder<string>();
        var prefix = markers.Prefix;
        var start = 0;
        while (true)
        {
            var at = html.IndexOf(prefix, start, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            var digits = at + prefix.Length;
            var end = html.IndexOf(HoleMarkers.Suffix, digits, StringComparison.Ordinal);
            if (end < 0 || !int.TryParse(html.AsSpan(digits, end - digits), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= holeNames.Count)
            {
                break;
            }

            segments.Add(html[start..at]);
            holes.Add(holeNames[index]);
            start = end + HoleMarkers.Suffix.Length;
        }

        segments.Add(html[start..]);
        return new CachedHtml(segments.ToImmutable(), holes.ToImmutable());
    }
}

/// <summary>The comments that mark where a hole was rendered during a fill; unique per fill, so user content cannot collide with them.</summary>
internal sealed class HoleMarkers
{
    public const string Suffix = "-->";

    private static long s_fill;

    public HoleMarkers()
    {
        Prefix = string.Create(CultureInfo.InvariantCulture, $"<!--strata-hole:{Environment.ProcessId:x}.{Interlocked.Increment(ref s_fill):x}.{Random.Shared.NextInt64():x}:");
    }

    public string Prefix { get; }

    public string For(int index) => string.Concat(Prefix, index.ToString(CultureInfo.InvariantCulture), Suffix);
}
