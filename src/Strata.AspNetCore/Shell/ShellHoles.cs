using System.Text;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// The streaming boundaries of a shell whose page streams: the shell is what Blazor sent before the first streamed part
/// (the cached parts, and what each <c>[StreamRendering]</c> component rendered before its first await: its fallback),
/// split into the text outside the boundaries and each top-level boundary's content (between Blazor's
/// <c>&lt;!--bl:N--&gt;</c> and <c>&lt;!--/bl:N--&gt;</c> markers). A request compares what its own render sent first with
/// this: the boundaries must be the same components (their ids), and a boundary whose content differs is sent as a
/// <c>&lt;blazor-ssr&gt;</c> frame, as Blazor sends an update.
/// </summary>
internal sealed class ShellHoles
{
    private ShellHoles(string outside, Boundary[] boundaries, int framingAt, int framingLength)
    {
        Outside = outside;
        Boundaries = boundaries;
        FramingAt = framingAt;
        FramingLength = framingLength;
    }

    /// <summary>The shell's markup outside the boundaries' contents (their markers included), the framing comment left out.</summary>
    public string Outside { get; }

    public Boundary[] Boundaries { get; }

    /// <summary>Where, in the shell's bytes, the enhanced-navigation framing comment is (-1 in a document), and its length (0: none yet, the response's goes there).</summary>
    public int FramingAt { get; }

    public int FramingLength { get; }

    /// <summary>Reads the boundaries of a shell's bytes; <paramref name="framing"/> is Blazor's framing id (enhanced navigation) or <see langword="null"/>.</summary>
    public static ShellHoles Of(byte[] body, string? framing)
    {
        var at = -1;
        var length = 0;
        if (framing is not null)
        {
            // A page that did not stream has no framing comment: the response's goes after the whole page.
            var comment = Encoding.UTF8.GetBytes(FramingComment(framing));
            at = body.AsSpan().LastIndexOf(comment);
            (at, length) = at < 0 ? (body.Length, 0) : (at, comment.Length);
        }

        var (outside, boundaries) = Split(Encoding.UTF8.GetString(body), framing);
        return new ShellHoles(outside, boundaries, at, length);
    }

    /// <summary>Blazor's framing comment for an enhanced navigation: it ends the first part and every streamed frame.</summary>
    public static string FramingComment(string framing) => "<!--" + framing + "-->";

    /// <summary>The markup outside the top-level boundaries, and the boundaries (the framing comment left out).</summary>
    public static (string Outside, Boundary[] Boundaries) Split(string html, string? framing)
    {
        if (framing is not null && html.LastIndexOf(FramingComment(framing), StringComparison.Ordinal) is var f and >= 0)
        {
            html = string.Concat(html.AsSpan(0, f), html.AsSpan(f + FramingComment(framing).Length));
        }

        var outside = new StringBuilder(html.Length);
        var boundaries = new List<Boundary>();
        var copied = 0;
        var search = 0;
        while (html.IndexOf("<!--bl:", search, StringComparison.Ordinal) is var open and >= 0)
        {
            var idEnd = html.IndexOf("-->", open, StringComparison.Ordinal);
            if (idEnd < 0)
            {
                break;
            }

            var id = html[(open + "<!--bl:".Length)..idEnd];
            var endMarker = "<!--/bl:" + id + "-->";
            var end = html.IndexOf(endMarker, idEnd, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            outside.Append(html, copied, idEnd + 3 - copied);
            boundaries.Add(new Boundary(id, html[(idEnd + 3)..end]));
            copied = end;
            search = end + endMarker.Length;
        }

        outside.Append(html, copied, html.Length - copied);
        return (outside.ToString(), [.. boundaries]);
    }

    /// <summary>
    /// What a request must send after the shell so that the page shows what its own render showed first: a frame for
    /// each boundary whose content differs; <see langword="null"/> when its boundaries are not the shell's (other
    /// components: the shell cannot carry this request's stream). <paramref name="outsideDiffers"/> tells whether the
    /// markup outside the boundaries differs (what the shell shows changed since it was made).
    /// </summary>
    public string? Reconcile(string html, string? framing, bool enhanced, string? sentFraming, out bool outsideDiffers)
    {
        var (outside, boundaries) = Split(html, framing);
        outsideDiffers = !string.Equals(outside, Outside, StringComparison.Ordinal);
        if (boundaries.Length != Boundaries.Length)
        {
            return null;
        }

        StringBuilder? frames = null;
        for (var i = 0; i < boundaries.Length; i++)
        {
            if (boundaries[i].Id != Boundaries[i].Id)
            {
                return null;
            }

            if (!string.Equals(boundaries[i].Content, Boundaries[i].Content, StringComparison.Ordinal))
            {
                frames ??= new StringBuilder("<blazor-ssr>");
                frames.Append("<template blazor-component-id=\"").Append(boundaries[i].Id).Append(enhanced ? "\" enhanced-nav=\"true\">" : "\">")
                    .Append(boundaries[i].Content).Append("</template>");
            }
        }

        return frames is null ? "" : frames.Append("<blazor-ssr-end></blazor-ssr-end></blazor-ssr>").Append(sentFraming is null ? "" : FramingComment(sentFraming)).ToString();
    }

    /// <summary>One top-level streaming boundary: the component's id and what it rendered.</summary>
    internal sealed record Boundary(string Id, string Content);
}
