using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Strata.AspNetCore.Components;

/// <summary>
/// The value a cached component stores: its HTML cut at the holes. <see cref="Segments"/> has one more item than
/// <see cref="Holes"/>: segment 0, hole 0, segment 1, hole 1, ... Each hole names the RenderFragment parameter rendered
/// there, live, on every request, or is an interactive component (<see cref="Clients"/>, same index) rendered there again
/// from its type and parameters. Immutable, so hits hand out the same instance without copying.
/// </summary>
internal sealed class CachedHtml
{
    [JsonConstructor]
    public CachedHtml(ImmutableArray<string> segments, ImmutableArray<string> holes, ImmutableArray<CachedClient?> clients)
    {
        Segments = segments;
        Holes = holes;
        Clients = clients.IsDefault ? [] : clients;
    }

    public ImmutableArray<string> Segments { get; }

    public ImmutableArray<string> Holes { get; }

    /// <summary>Empty when no hole is an interactive component; else one item per hole, null for RenderFragment holes.</summary>
    public ImmutableArray<CachedClient?> Clients { get; }

    /// <summary>The interactive component rendered in hole <paramref name="index"/>, if it is one.</summary>
    public CachedClient? ClientAt(int index) => Clients.IsEmpty ? null : Clients[index];

    /// <summary>Cuts the HTML of a render at the hole markers written by <see cref="HoleMarkers"/>.</summary>
    public static CachedHtml Parse(string html, FillHoles fill)
    {
        var segments = ImmutableArray.CreateBuilder<string>();
        var holes = ImmutableArray.CreateBuilder<string>();
        var clients = ImmutableArray.CreateBuilder<CachedClient?>();
        var prefix = fill.Markers.Prefix;
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
            if (end < 0 || !int.TryParse(html.AsSpan(digits, end - digits), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= fill.Names.Count)
            {
                break;
            }

            segments.Add(html[start..at]);
            holes.Add(fill.Names[index]);
            clients.Add(fill.Clients[index]);
            start = end + HoleMarkers.Suffix.Length;
        }

        segments.Add(html[start..]);
        return new CachedHtml(segments.ToImmutable(), holes.ToImmutable(), clients.Any(c => c is not null) ? clients.ToImmutable() : []);
    }
}

/// <summary>
/// The holes of one fill: the RenderFragment parameters of the cached component (first, by index), then each interactive
/// component it renders (<see cref="ClientCapture"/>), with the markers that mark where they were rendered.
/// </summary>
internal sealed class FillHoles
{
    private readonly List<string> _names;
    private readonly List<CachedClient?> _clients;

    public FillHoles(IReadOnlyList<string> fragments)
    {
        _names = [.. fragments];
        _clients = [.. fragments.Select(_ => (CachedClient?)null)];
    }

    public HoleMarkers Markers { get; } = new();

    public IReadOnlyList<string> Names => _names;

    public IReadOnlyList<CachedClient?> Clients => _clients;

    /// <summary>Puts an interactive component in its hole (a new one when <paramref name="hole"/> is null, the same one when it renders again); returns the hole.</summary>
    public int SetClient(int? hole, string name, CachedClient client)
    {
        lock (_clients)
        {
            if (hole is { } index)
            {
                _clients[index] = client;
                return index;
            }

            _names.Add(name);
            _clients.Add(client);
            return _clients.Count - 1;
        }
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
