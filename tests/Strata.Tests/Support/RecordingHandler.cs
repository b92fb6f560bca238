namespace Strata.Tests.Support;

/// <summary>Wraps a handler and records every call, like the logging handler of Next.js's use-cache-custom-handler test.</summary>
internal sealed class RecordingHandler(ICacheHandler inner) : ICacheHandler
{
    private readonly List<string> _calls = [];
    private readonly List<CacheEntry> _sets = [];

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_calls)
            {
                return _calls.ToArray();
            }
        }
    }

    public IReadOnlyList<CacheEntry> Sets
    {
        get
        {
            lock (_sets)
            {
                return _sets.ToArray();
            }
        }
    }

    public void Clear()
    {
        lock (_calls)
        {
            _calls.Clear();
        }

        lock (_sets)
        {
            _sets.Clear();
        }
    }

    public ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default)
    {
        Record("get");
        return inner.GetAsync(key, softTags, cancellationToken);
    }

    public async ValueTask SetAsync(CacheKey key, Task<CacheEntry> pendingEntry, CancellationToken cancellationToken = default)
    {
        Record("set");
        await inner.SetAsync(key, pendingEntry, cancellationToken);
        if (pendingEntry.IsCompletedSuccessfully)
        {
            lock (_sets)
            {
                _sets.Add(pendingEntry.Result);
            }
        }
    }

    public ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default)
    {
        Record("refreshTags");
        return inner.RefreshTagsAsync(cancellationToken);
    }

    public ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default)
    {
        Record("getExpiration " + string.Join(",", tags));
        return inner.GetExpirationAsync(tags, cancellationToken);
    }

    public ValueTask UpdateTagsAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken = default)
    {
        Record("updateTags " + string.Join(",", tags));
        return inner.UpdateTagsAsync(tags, durations, cancellationToken);
    }

    private void Record(string call)
    {
        lock (_calls)
        {
            _calls.Add(call);
        }
    }
}
