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

    /// <summary>The memo store of <c>Cache.Memo</c>: the scope's own inside a cached function, else the request's.</summary>
    public MemoStore? Memo => Scope?.Memo ?? Request?.Memo;
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
