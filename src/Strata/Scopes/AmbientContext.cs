namespace Strata;

/// <summary>What flows with the current asynchronous call: the runtime, the request (if any) and the cache scope (if any).</summary>
internal sealed class AmbientContext(CacheRuntime runtime, CacheRequest? request, CacheScope? scope)
{
    private static readonly AsyncLocal<AmbientContext?> CurrentContext = new();

    public static AmbientContext? Current
    {
        get => CurrentContext.Value;
        set => CurrentContext.Value = value;
    }

    public CacheRuntime Runtime { get; } = runtime;

    public CacheRequest? Request { get; } = request;

    public CacheScope? Scope { get; } = scope;

    /// <summary>Where reads are deduplicated and recorded: the cache scope inside a cached function, else the request.</summary>
    public IReadSink? Sink { get; } = (IReadSink?)scope ?? request;

    /// <summary>The memo store of <c>Cache.Memo</c>: the scope's own inside a cached function, else the request's.</summary>
    public MemoStore? Memo => Scope?.Memo ?? Request?.Memo;

    /// <summary>Whether this flow renders live, into no cache (see <see cref="CacheRuntime.BeginLiveRender"/>).</summary>
    public bool LiveRender { get; init; }

    /// <summary>Whether <c>CacheTag()</c> and <c>CacheLife()</c> outside a cache scope do nothing: in a live render (an interactive circuit) and in the browser (WebAssembly), where nothing is cached.</summary>
    public static bool InLiveRender => OperatingSystem.IsBrowser() || Current?.LiveRender == true;
}

/// <summary>Restores the previous ambient context when disposed.</summary>
internal sealed class AmbientRestore(AmbientContext? previous) : IDisposable
{
    private bool _disposed;

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            AmbientContext.Current = previous;
        }
    }
}

/// <summary>
/// What a read reports to: the request (dedupe within it, lifetimes and tags for the response) or the scope of the cached
/// function that reads (dedupe within it, nested lifetimes and tags propagated into its entry).
/// </summary>
internal interface IReadSink
{
    /// <summary>The same call within the sink returns the same result (React.cache semantics).</summary>
    System.Collections.Concurrent.ConcurrentDictionary<CacheKey, object> Dedupe { get; }

    /// <summary><see cref="Dedupe"/> if it was made.</summary>
    System.Collections.Concurrent.ConcurrentDictionary<CacheKey, object>? DedupeIfAny { get; }

    /// <summary>An entry was read, and how the read was answered.</summary>
    void OnRead(CacheEntry entry, bool isPrivate, CacheReadOutcome outcome);
}
