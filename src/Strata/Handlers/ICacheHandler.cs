namespace Strata;

/// <summary>
/// A cache handler: where one or more cache kinds keep their entries. The five operations of Next.js's cache handler
/// contract, asynchronous. Register one per kind with <c>AddStrata().AddCacheHandler(kind, handler)</c>.
/// </summary>
/// <remarks>
/// The engine checks an entry's lifetimes itself on every read; a handler may return stale entries (and should, until
/// they expire, so that readers get stale-while-revalidate). Tags are "lazy": invalidating a tag records a timestamp,
/// and entries older than it are treated as missing (expired) or stale when read.
/// </remarks>
public interface ICacheHandler
{
    /// <summary>
    /// Reads an entry. Returns <see langword="null"/> when there is none, when it is expired, or when one of its tags
    /// expired after it was made; returns it with <see cref="CacheEntry.Revalidate"/> = -1 when one of its tags became
    /// stale after it was made. A read that races a pending <see cref="SetAsync"/> of the same key waits for it.
    /// </summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="softTags">The implicit tags of the current request (e.g. its path); a handler may check them too.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores an entry that is still being made. The handler awaits <paramref name="pendingEntry"/>; when it fails, nothing
    /// is stored (errors are never cached).
    /// </summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="pendingEntry">The entry, when the function completes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entry is stored (or dropped).</returns>
    ValueTask SetAsync(CacheKey key, Task<CacheEntry> pendingEntry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings tag state up to date with other instances. Called once per request for each kind the request reads,
    /// before the first read.
    /// </summary>
    /// <remarks>
    /// A handler may return before the refresh has finished when its own reads (<see cref="GetAsync"/>,
    /// <see cref="GetExpirationAsync"/>) wait for it: the Redis handler does, so the tag check and the entry travel in one
    /// round trip. What the engine relies on is that no read made after this call answers from tag state older than it.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>A task that completes when later reads of this handler reflect tag state at least as new as this call.</returns>
    ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest time (Unix milliseconds) at which any of <paramref name="tags"/> expired: 0 when none ever did.
    /// Return <see cref="long.MaxValue"/> to say "I check soft tags in <see cref="GetAsync"/> myself".
    /// </summary>
    /// <param name="tags">The tags (usually a request's implicit tags).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The expiration timestamp.</returns>
    ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default);

    /// <summary>
    /// Invalidates tags. Without <paramref name="durations"/> the tags expire now (<c>UpdateTag</c>); with them, the tags
    /// become stale now and expire after <see cref="TagDurations.Expire"/> seconds (<c>RevalidateTag(tag, profile)</c>).
    /// </summary>
    /// <param name="tags">The tags.</param>
    /// <param name="durations">How long stale entries may still be served, or <see langword="null"/> to expire now.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the tags are updated.</returns>
    ValueTask UpdateTagsAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken = default);
}

/// <summary>How long entries with a revalidated tag may still be served stale.</summary>
/// <param name="Expire">Seconds from now after which such entries expire; <see langword="null"/> keeps the tag's previous expiry.</param>
public readonly record struct TagDurations(double? Expire);
