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

/// <summary>The bytes and headers of one variant of a shell, and its entity tag.</summary>
internal sealed class ShellResponse(byte[] body, KeyValuePair<string, StringValues>[] headers, string etag)
{
    public byte[] Body { get; } = body;

    public KeyValuePair<string, StringValues>[] Headers { get; } = headers;

    public string ETag { get; } = etag;
}
