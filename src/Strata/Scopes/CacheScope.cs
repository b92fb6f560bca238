using System.Collections.Concurrent;

namespace Strata;

/// <summary>
/// The scope of one running cached function (Next.js's <c>UseCacheStore</c>): it collects <c>CacheLife</c> and
/// <c>CacheTag</c> calls and what nested caches propagate, and turns them into the entry's lifetimes and tags.
/// </summary>
internal sealed class CacheScope : IReadSink
{
    private readonly object _gate = new();
    private readonly List<string> _tags = [];
    private double _stale;
    private double _revalidate;
    private double _expire;
    private double? _explicitStale;
    private double? _explicitRevalidate;
    private double? _explicitExpire;
    private MemoStore? _memo;
    private ConcurrentDictionary<CacheKey, object>? _dedupe;

    public CacheScope(CacheRuntime runtime, CacheFunction function, CacheRequest? request, CacheLifeProfile defaults)
    {
        Runtime = runtime;
        Function = function;
        Request = request;
        _stale = defaults.Stale ?? StrataDefaults.DefaultStaleSeconds;
        _revalidate = defaults.Revalidate ?? StrataDefaults.DefaultRevalidateSeconds;
        _expire = defaults.Expire ?? StrataDefaults.InfiniteSeconds;
    }

    public CacheRuntime Runtime { get; }

    public CacheFunction Function { get; }

    public string Kind => Function.Kind;

    public bool IsPrivate => Function.IsPrivate;

    /// <summary>The request the function runs for (request data is only readable in private scopes).</summary>
    public CacheRequest? Request { get; }

    public MemoStore Memo => LazyInitializer.EnsureInitialized(ref _memo);

    public ConcurrentDictionary<CacheKey, object> Dedupe => LazyInitializer.EnsureInitialized(ref _dedupe);

    public ConcurrentDictionary<CacheKey, object>? DedupeIfAny => Volatile.Read(ref _dedupe);

    /// <summary><c>CacheLife(...)</c>: several calls keep the minimum of each field given.</summary>
    public void ApplyLife(CacheLifeProfile profile)
    {
        lock (_gate)
        {
            _explicitStale = Min(_explicitStale, profile.Stale);
            _explicitRevalidate = Min(_explicitRevalidate, profile.Revalidate);
            _explicitExpire = Min(_explicitExpire, profile.Expire);
        }
    }

    /// <summary><c>CacheTag(...)</c>: appends tags (validated and capped by the caller).</summary>
    public void AddTags(List<string> tags)
    {
        lock (_gate)
        {
            _tags.AddRange(tags);
        }
    }

    /// <inheritdoc />
    public void OnRead(CacheEntry entry, bool isPrivate, CacheReadOutcome outcome) => Propagate(entry);

    /// <summary>A nested cache was read: union its tags, and lower each lifetime to the nested one.</summary>
    public void Propagate(CacheEntry entry)
    {
        lock (_gate)
        {
            foreach (var tag in entry.TagArray)
            {
                if (!_tags.Contains(tag))
                {
                    _tags.Add(tag);
                }
            }

            _stale = Math.Min(_stale, entry.Stale);
            _revalidate = Math.Min(_revalidate, Math.Max(entry.Revalidate, 0));
            _expire = Math.Min(_expire, entry.Expire);
        }
    }

    /// <summary>The entry for the value: explicit <c>CacheLife</c> values win over what nested caches propagated.</summary>
    public CacheEntry CreateEntry(CacheValue value, long timestamp)
    {
        lock (_gate)
        {
            var stale = _explicitStale ?? _stale;
            var expire = _explicitExpire ?? _expire;
            var revalidate = Math.Min(_explicitRevalidate ?? _revalidate, expire);
            return new CacheEntry(value, _tags.Distinct(StringComparer.Ordinal).ToArray(), timestamp, stale, revalidate, expire);
        }
    }

    private static double? Min(double? current, double? value) =>
        value is not { } v ? current : current is { } c ? Math.Min(c, v) : v;
}
