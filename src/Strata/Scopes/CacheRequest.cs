using System.Collections.Concurrent;

namespace Strata;

/// <summary>Where in the life of a request code runs: what revalidation is allowed there.</summary>
public enum CacheRequestPhase
{
    /// <summary>An endpoint, a route handler or a background job: <c>RevalidateTag</c> and <c>RevalidatePath</c> are allowed, <c>UpdateTag</c> and <c>Refresh</c> are not.</summary>
    Handler,

    /// <summary>Rendering a page or component: no revalidation is allowed.</summary>
    Render,

    /// <summary>A server action (a form post or a <c>[UseServer]</c> function): every revalidation is allowed, and the page rendered afterwards sees fresh data.</summary>
    Action,
}

/// <summary>
/// The request scope (what Next.js's work store holds for one request): request data, the phase, the implicit tags of the
/// path, per-request dedupe of cached calls, the <c>Memo</c> store, tags revalidated during the request, and what the
/// response needs to know: the shortest lifetimes of the caches it used and whether it read request data.
/// Create it with <see cref="CacheRuntime.BeginRequest"/>; dispose it when the request ends.
/// </summary>
public sealed class CacheRequest : IDisposable, IReadSink
{
    private static readonly AsyncLocal<Action<CacheEntry, CacheReadOutcome>?> s_observer = new();
    private static volatile bool s_observed;
    private readonly object _gate = new();
    private readonly AmbientRestore _restore;
    private readonly ConcurrentDictionary<string, Task> _refreshedKinds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<long>> _implicitExpiration = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _revalidatedTags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tags = new(StringComparer.Ordinal);
    private readonly List<Task> _pending = [];
    private MemoStore? _memo;
    private ConcurrentDictionary<CacheKey, object>? _dedupe;
    private IReadOnlyList<string> _implicitTags;
    private double? _stale;
    private double? _revalidate;
    private double? _expire;
    private (long Oldest, long StaleAt, long ExpireAt)? _entries;
    private CacheReadOutcome? _outcome;

    internal CacheRequest(CacheRuntime runtime, IRequestData? data, CacheRequestPhase phase, string? route, IReadOnlyList<string>? implicitTags, AmbientContext? previous)
    {
        Runtime = runtime;
        Data = data;
        Phase = phase;
        Route = route;
        _implicitTags = implicitTags ?? [];
        _restore = new AmbientRestore(previous);
    }

    /// <summary>The runtime this request belongs to.</summary>
    public CacheRuntime Runtime { get; }

    /// <summary>The request data behind <c>Cookies()</c>, <c>Headers()</c>, <c>SearchParams()</c>; <see langword="null"/> when there is none.</summary>
    public IRequestData? Data { get; }

    /// <summary>The route, used in error messages (e.g. <c>/product/{id}</c>).</summary>
    public string? Route { get; set; }

    /// <summary>The phase: render, action or handler. Decides which revalidation functions may be called.</summary>
    public CacheRequestPhase Phase { get; set; }

    /// <summary>The implicit tags of the request's path (see <see cref="ImplicitTags"/>); entries read while they are expired are discarded.</summary>
    public IReadOnlyList<string> ImplicitTags
    {
        get => _implicitTags;
        set
        {
            _implicitTags = value ?? [];
            _implicitExpiration.Clear();
        }
    }

    /// <summary>
    /// Whether the request is handled by an endpoint that is neither a page nor a server function (Next.js's Route Handler):
    /// <c>[UseCache("private")]</c> throws there, as Next.js documents ("not available in Route Handlers"). The web layer
    /// sets it; <see langword="false"/> by default.
    /// </summary>
    public bool IsRouteHandler { get; set; }

    /// <summary>
    /// Whether this request prerenders a page into its static shell (no visitor, no request data): cache fills started in it
    /// are limited by <see cref="StrataOptions.PrerenderFillTimeout"/> instead of <see cref="StrataOptions.FillTimeout"/>.
    /// </summary>
    public bool IsPrerender { get; set; }

    /// <summary>Whether draft mode is on: caches are neither read nor written.</summary>
    public bool IsDraftMode => Data?.IsDraftMode == true;

    /// <summary>The shortest <c>stale</c> of the caches this request read, or <see langword="null"/> when it read none.</summary>
    public double? Stale
    {
        get
        {
            lock (_gate)
            {
                return _stale;
            }
        }
    }

    /// <summary>The shortest <c>revalidate</c> of the caches this request read, or <see langword="null"/>.</summary>
    public double? Revalidate
    {
        get
        {
            lock (_gate)
            {
                return _revalidate;
            }
        }
    }

    /// <summary>The shortest <c>expire</c> of the caches this request read, or <see langword="null"/>.</summary>
    public double? Expire
    {
        get
        {
            lock (_gate)
            {
                return _expire;
            }
        }
    }

    /// <summary>
    /// Over the entries this request read: when the oldest was made, the earliest time one becomes stale (<see cref="long.MinValue"/>
    /// when one already was, e.g. by a tag) and the earliest time one expires, all in Unix milliseconds; <see langword="null"/>
    /// when it read none. What the request rendered from them is as fresh as this: the static shell uses it.
    /// </summary>
    public (long Oldest, long StaleAt, long ExpireAt)? Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries;
            }
        }
    }

    /// <summary>
    /// How the caches this request read were answered, taken together: <see cref="CacheReadOutcome.Stale"/> when one served a
    /// stale (or fail-safe) value, otherwise <see cref="CacheReadOutcome.Miss"/> when one ran its function (or waited for a
    /// run), otherwise <see cref="CacheReadOutcome.Hit"/>; <see langword="null"/> when it read none. Reads inside cached
    /// functions count only through the function that read them (a hit of the outer function is a hit).
    /// </summary>
    public CacheReadOutcome? Outcome
    {
        get
        {
            lock (_gate)
            {
                return _outcome;
            }
        }
    }

    /// <summary>Whether the request read a cache directly.</summary>
    public bool UsedCache { get; private set; }

    /// <summary>Whether the request read request data (cookies, headers, search params) or called <c>Connection()</c> outside caches: its response is dynamic.</summary>
    public bool UsedRequestData { get; private set; }

    /// <summary>
    /// Called, with the function's name (<c>"Cookies()"</c>, <c>"Headers()"</c>, <c>"SearchParams()"</c>,
    /// <c>"Connection()"</c>), each time request data is read outside caches, on the reader's thread. The web layer uses it
    /// while prerendering to tell which component read it. <see langword="null"/> by default.
    /// </summary>
    public Action<string>? RequestDataRead { get; set; }

    /// <summary>Whether a private cache was used: part of the response is per user.</summary>
    public bool UsedPrivateCache { get; private set; }

    /// <summary>
    /// Whether <c>UpdateTag</c>, <c>RevalidatePath</c>, <c>RevalidateTag</c> without a profile (or with <c>expire</c> 0) or
    /// <c>Refresh</c> ran: the page must be rendered again with fresh data (not set by stale-while-revalidate).
    /// </summary>
    public bool PathWasRevalidated { get; internal set; }

    /// <summary>
    /// Called whenever <see cref="PathWasRevalidated"/> is set: after <c>UpdateTag</c>, <c>RevalidatePath</c> or
    /// <c>RevalidateTag</c> without a profile (or with <c>expire</c> 0) expired tags, once every handler has recorded the
    /// change (the task those functions return completes only after it), and when <c>Refresh()</c> is called (with no tags).
    /// Not called for <c>RevalidateTag(tag, profile)</c> (stale-while-revalidate). The web layer uses it to render the page
    /// of a form post again, in the same response, with fresh data (read-your-own-writes). <see langword="null"/> by default.
    /// </summary>
    public Func<IReadOnlyList<string>, Task>? Revalidated { get; set; }

    /// <summary>The tags of the caches this request read.</summary>
    public IReadOnlyCollection<string> Tags
    {
        get
        {
            lock (_gate)
            {
                return _tags.ToArray();
            }
        }
    }

    /// <summary>The tags revalidated during this request.</summary>
    public IReadOnlyCollection<string> RevalidatedTags
    {
        get
        {
            lock (_gate)
            {
                return _revalidatedTags.Keys.ToArray();
            }
        }
    }

    internal MemoStore Memo => LazyInitializer.EnsureInitialized(ref _memo);

    ConcurrentDictionary<CacheKey, object> IReadSink.Dedupe => LazyInitializer.EnsureInitialized(ref _dedupe);

    ConcurrentDictionary<CacheKey, object>? IReadSink.DedupeIfAny => Volatile.Read(ref _dedupe);

    /// <summary>Waits for the work this request started that must finish before the response ends: tag updates.</summary>
    /// <returns>A task that completes when they are done.</returns>
    public Task CompleteAsync()
    {
        Task[] pending;
        lock (_gate)
        {
            pending = _pending.ToArray();
            _pending.Clear();
        }

        return pending.Length == 0 ? Task.CompletedTask : Task.WhenAll(pending);
    }

    /// <summary>
    /// For development tools (the overlay of the web layer): reads started in this asynchronous flow until the returned scope
    /// is disposed, and recorded by a request, are reported to <paramref name="observer"/> with the entry read and how the read
    /// was answered. Start the read (call the cached function) inside the scope; the report comes when the read ends, which may
    /// be after the scope was disposed. Reads inside a cached function are not reported: they count through that function.
    /// Costs nothing while no observer was ever registered.
    /// </summary>
    /// <param name="observer">Called once per recorded read, on the thread that ends it.</param>
    /// <returns>Disposing it stops reporting reads started afterwards.</returns>
    public static IDisposable ObserveReads(Action<CacheEntry, CacheReadOutcome> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        s_observed = true;
        var previous = s_observer.Value;
        s_observer.Value = observer;
        return new ObserverRestore(previous);
    }

    /// <summary>Ends the request scope: the ambient context returns to what it was before <see cref="CacheRuntime.BeginRequest"/>.</summary>
    public void Dispose() => _restore.Dispose();

    void IReadSink.OnRead(CacheEntry entry, bool isPrivate, CacheReadOutcome outcome) => Record(entry, isPrivate, outcome);

    internal void Record(CacheEntry entry, bool isPrivate, CacheReadOutcome outcome = CacheReadOutcome.Hit)
    {
        lock (_gate)
        {
            UsedCache = true;
            _outcome = Worse(_outcome, outcome);
            UsedPrivateCache |= isPrivate;
            _stale = Math.Min(_stale ?? double.MaxValue, entry.Stale);
            _revalidate = Math.Min(_revalidate ?? double.MaxValue, Math.Max(entry.Revalidate, 0));
            _expire = Math.Min(_expire ?? double.MaxValue, entry.Expire);
            _entries = _entries is { } seen
                ? (Math.Min(seen.Oldest, entry.Timestamp), Math.Min(seen.StaleAt, entry.StaleAt), Math.Min(seen.ExpireAt, entry.ExpireAt))
                : (entry.Timestamp, entry.StaleAt, entry.ExpireAt);
            foreach (var tag in entry.TagArray)
            {
                _tags.Add(tag);
            }
        }

        if (s_observed && s_observer.Value is { } observer)
        {
            observer(entry, outcome);
        }
    }

    internal void MarkRequestData(string api)
    {
        UsedRequestData = true;
        RequestDataRead?.Invoke(api);
    }

    /// <summary>Of two outcomes, the one the page's verdict shows: stale before miss before hit (a stale part means the page shows old data).</summary>
    private static CacheReadOutcome Worse(CacheReadOutcome? seen, CacheReadOutcome outcome) =>
        seen is not { } before ? outcome
        : before == CacheReadOutcome.Stale || outcome == CacheReadOutcome.Stale ? CacheReadOutcome.Stale
        : before == CacheReadOutcome.Miss || outcome == CacheReadOutcome.Miss ? CacheReadOutcome.Miss
        : CacheReadOutcome.Hit;

    internal void Track(Task task)
    {
        lock (_gate)
        {
            _pending.Add(task);
        }
    }

    internal void RecordRevalidated(IEnumerable<string> tags, long now)
    {
        lock (_gate)
        {
            foreach (var tag in tags)
            {
                _revalidatedTags[tag] = now;
            }
        }

        // Later reads in this request must see fresh values, not what an earlier read deduplicated.
        _dedupe?.Clear();
    }

    internal Task EnsureTagsRefreshedAsync(string kind, ICacheHandler handler)
    {
        if (_refreshedKinds.TryGetValue(kind, out var done))
        {
            return done;
        }

        return _refreshedKinds.GetOrAdd(kind, static (_, h) => h.RefreshTagsAsync().AsTask(), handler);
    }

    /// <summary>
    /// Whether an entry must be treated as missing: an implicit tag expired after it was made, or one of its tags (or an
    /// implicit tag) was revalidated during this request. Completes synchronously unless the handler must be asked, once per
    /// request and kind, for the expiration of the implicit tags.
    /// </summary>
    internal ValueTask<bool> ShouldDiscardAsync(CacheEntry entry, string kind, ICacheHandler handler)
    {
        if (_implicitTags.Count > 0)
        {
            var expiration = _implicitExpiration.GetOrAdd(kind, static (_, arg) => GetExpirationAsync(arg.handler, arg.tags), (handler, tags: _implicitTags));
            if (!expiration.IsCompletedSuccessfully)
            {
                return AfterExpirationAsync(expiration, entry);
            }

#pragma warning disable RS0030 // completed successfully (checked above): Result does not block
            if (entry.Timestamp <= expiration.Result)
#pragma warning restore RS0030
            {
                return new ValueTask<bool>(true);
            }
        }

        return new ValueTask<bool>(WasRevalidatedSince(entry));
    }

    private async ValueTask<bool> AfterExpirationAsync(Task<long> expiration, CacheEntry entry) =>
        entry.Timestamp <= await expiration.ConfigureAwait(false) || WasRevalidatedSince(entry);

    private bool WasRevalidatedSince(CacheEntry entry)
    {
        lock (_gate)
        {
            if (_revalidatedTags.Count == 0)
            {
                return false;
            }

            foreach (var tag in entry.TagArray)
            {
                if (_revalidatedTags.TryGetValue(tag, out var at) && at >= entry.Timestamp)
                {
                    return true;
                }
            }

            foreach (var tag in _implicitTags)
            {
                if (_revalidatedTags.TryGetValue(tag, out var at) && at >= entry.Timestamp)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static async Task<long> GetExpirationAsync(ICacheHandler handler, IReadOnlyList<string> tags)
    {
        var expiration = await handler.GetExpirationAsync(tags).ConfigureAwait(false);
        return expiration == long.MaxValue ? 0 : expiration; // "Infinity": the handler checks soft tags in get itself
    }

    private sealed class ObserverRestore(Action<CacheEntry, CacheReadOutcome>? previous) : IDisposable
    {
        public void Dispose() => s_observer.Value = previous;
    }
}
