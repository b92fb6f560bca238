namespace Strata;

/// <summary>
/// Strata's options: the counterparts of Next.js's <c>cacheLife</c>, <c>cacheMaxMemorySize</c> and build id settings.
/// Bound from the <c>Strata</c> section of configuration by <c>AddStrata()</c>, then changed by its delegate.
/// </summary>
/// <example>
/// <code>
/// "Strata": {
///   "CacheMaxMemorySize": 104857600,
///   "CacheLife": { "frequent": { "Stale": 19, "Revalidate": 100, "Expire": 300 } }
/// }
/// </code>
/// </example>
public sealed class StrataOptions
{
    /// <summary>
    /// The build id that starts every key. Entries made by another build are never read. The default is derived from the
    /// entry assembly (its name and module version id), so every deployment of a new build starts with fresh keys.
    /// Set it when several builds must share a remote cache.
    /// </summary>
    public string? BuildId { get; set; }

    /// <summary>The budget of the default in-memory handler, in bytes. The default is 50 MB (52428800); 0 disables it.</summary>
    public long CacheMaxMemorySize { get; set; } = StrataDefaults.CacheMaxMemorySize;

    /// <summary>
    /// Custom <c>CacheLife</c> profiles by name, added to (or replacing) the built-in ones. A custom <c>default</c> profile
    /// changes the lifetimes of every cache that does not call <c>CacheLife</c>; its missing fields keep the built-in values.
    /// </summary>
    public IDictionary<string, CacheLifeProfile> CacheLife { get; } = new Dictionary<string, CacheLifeProfile>(StringComparer.Ordinal);

    /// <summary>The serializer used to copy mutable values, measure entries and store them remotely. The default is <see cref="JsonCacheSerializer"/>.</summary>
    public ICacheSerializer? Serializer { get; set; }

    /// <summary>
    /// Fail-safe past <c>expire</c>: for how long after an entry expired its last good value may still be served when the
    /// function that should replace it throws. The default is <see cref="TimeSpan.Zero"/> (off: nothing is served past its
    /// <c>expire</c>, as in Next.js). Stale entries (past <c>revalidate</c>, before <c>expire</c>) are always kept when their
    /// background refresh fails. Entries whose tag was expired (<c>UpdateTag</c>, <c>RevalidatePath</c>) are never served.
    /// Errors are never cached.
    /// </summary>
    /// <example><c>"Strata": { "FailSafeWindow": "00:10:00" }</c> serves the last good value for up to 10 minutes past its expiry while the source fails.</example>
    public TimeSpan FailSafeWindow { get; set; }

    /// <summary>
    /// After the function of a key failed (a background refresh or a fail-safe fallback), how long the engine waits before
    /// running it again for that key, serving the stale or fail-safe value meanwhile. The default is 10 seconds.
    /// </summary>
    public TimeSpan FailSafeRetryInterval { get; set; } = TimeSpan.FromSeconds(StrataDefaults.FailSafeRetryIntervalSeconds);

    /// <summary>
    /// The longest a cache fill (a miss shared by its concurrent callers, or a background refresh) may run. Past it, every
    /// caller that joined the fill gets a <see cref="TimeoutException"/> naming the function, the handler's pending write ends
    /// without an entry and the key is free again: the next call runs the function again. The run itself is not stopped: the
    /// caller that started it gets its result when it comes, which is not stored. The default is 60 seconds;
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns the limit off.
    /// </summary>
    public TimeSpan FillTimeout { get; set; } = TimeSpan.FromSeconds(StrataDefaults.FillTimeoutSeconds);

    /// <summary>
    /// The longest a cache fill may run while a page is prerendered into its static shell (Next.js's 50 s
    /// <c>useCacheTimeout</c>). Past it the prerender fails with "Filling a cache during prerender timed out, likely because
    /// request-specific arguments … were used inside [UseCache]". The default is 50 seconds; <see cref="Timeout.InfiniteTimeSpan"/>
    /// turns the limit off.
    /// </summary>
    public TimeSpan PrerenderFillTimeout { get; set; } = TimeSpan.FromSeconds(StrataDefaults.PrerenderFillTimeoutSeconds);

    /// <summary>Logs every cache operation (get, set, hit, miss, stale, revalidate). The default is <see langword="false"/>, or <see langword="true"/> when <c>STRATA_DEBUG_CACHE=1</c>.</summary>
    public bool DebugCache { get; set; }
}
