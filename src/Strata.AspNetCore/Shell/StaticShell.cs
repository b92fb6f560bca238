using Microsoft.Extensions.Primitives;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// A prerendered page: its response for a document request and for an enhanced navigation, and how fresh what it was built
/// from is (<see cref="CacheRequest.Entries"/>, the tags of its caches and of its path). Immutable; a regeneration replaces it.
/// </summary>
internal sealed class StaticShell(string path, ShellResponse document, ShellResponse enhanced, string[] tags, long oldest, long staleAt, long expireAt, int handlers)
{
    public string Path { get; } = path;

    public ShellResponse Document { get; } = document;

    public ShellResponse Enhanced { get; } = enhanced;

    /// <summary>The tags of every cache the page read, and the implicit tags of its path (what <c>RevalidatePath</c> expires).</summary>
    public string[] Tags { get; } = tags;

    /// <summary>When the oldest entry the page was built from was made (Unix ms): a tag revalidated since then affects it.</summary>
    public long Oldest { get; } = oldest;

    /// <summary>When the first entry the page was built from becomes stale (Unix ms).</summary>
    public long StaleAt { get; } = staleAt;

    /// <summary>When the first entry the page was built from expires (Unix ms).</summary>
    public long ExpireAt { get; } = expireAt;

    /// <summary>Per memory handler, the version of its tag manifest last found to leave this shell fresh (-1: never checked).</summary>
    public int[] CheckedTagVersions { get; } = Enumerable.Repeat(-1, handlers).ToArray();
}

/// <summary>
/// The bytes and headers of one variant of a shell, and its entity tag; for a page that streams, its streaming boundaries
/// (<see cref="Holes"/>): the bytes are then what Blazor sent before the first streamed part, and the page is rendered for
/// each request to stream the rest. A shell that is bytes alone is also kept in Brotli and gzip (<see cref="Encoded"/>).
/// </summary>
internal sealed class ShellResponse(byte[] body, KeyValuePair<string, StringValues>[] headers, string etag, ShellHoles? holes)
{
    public byte[] Body { get; } = body;

    public KeyValuePair<string, StringValues>[] Headers { get; } = headers;

    public string ETag { get; } = etag;

    /// <summary>The streaming boundaries whose content is rendered for each request, or <see langword="null"/> when the page is bytes alone.</summary>
    public ShellHoles? Holes { get; } = holes;

    /// <summary>The body compressed, best encoding first (none for a page that streams).</summary>
    public EncodedShellBody[] Encoded { get; } = holes is not null ? []
        : new[] { EncodedShellBody.Brotli(body, etag), EncodedShellBody.Gzip(body, etag) }.OfType<EncodedShellBody>().ToArray();

    /// <summary>The encoded body the request's <c>Accept-Encoding</c> takes (the best of those it accepts equally well), or <see langword="null"/> for the bytes as they are.</summary>
    public EncodedShellBody? For(StringValues acceptEncoding)
    {
        EncodedShellBody? best = null;
        var bestQuality = 0d;
        foreach (var encoded in Encoded)
        {
            var quality = EncodedShellBody.Quality(acceptEncoding, encoded.Encoding);
            if (quality > bestQuality)
            {
                (best, bestQuality) = (encoded, quality);
            }
        }

        return best;
    }
}
