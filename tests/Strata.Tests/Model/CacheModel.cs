namespace Strata.Tests.Model;

/// <summary>
/// The semantics of Strata's cache, written for clarity rather than speed, with no code of the engine: entries with
/// stale/revalidate/expire, tags with and without profiles, UpdateTag and RevalidatePath, implicit path tags, nesting
/// (tags union outward, lifetimes take the minimum unless set explicitly), per-request dedupe and read-your-own-writes,
/// private caches never stored, errors never cached, stale-while-revalidate with one refresh per key. Time only moves when
/// an operation says so, so every result is determined; refreshes run after the step that triggered them.
/// </summary>
internal sealed class CacheModel(World world, long startMs)
{
    private const double Infinite = StrataDefaults.InfiniteSeconds;

    private readonly Dictionary<string, Entry> _store = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TagTimes> _tags = new(StringComparer.Ordinal);
    private readonly Queue<(FunctionSpec Spec, int Id, string C)> _refreshes = new();
    private readonly HashSet<string> _refreshing = new(StringComparer.Ordinal);

    public long Now { get; private set; } = startMs;

    public World World => world;

    public Dictionary<string, int> Runs { get; } = new(StringComparer.Ordinal);

    public void Advance(long ms) => Now += ms;

    /// <summary>A read outside any request.</summary>
    public Outcome Read(FunctionSpec spec, int id, string c) => Capture(() => ReadValue(spec, id, c, request: null, scope: null));

    /// <summary>A read inside <paramref name="request"/>.</summary>
    public Outcome Read(FunctionSpec spec, int id, string c, ModelRequest request) => Capture(() => ReadValue(spec, id, c, request, scope: null));

    /// <summary>Runs the refreshes the last step started, in order (the engine's run in the background; the test waits for them).</summary>
    public void RunRefreshes()
    {
        while (_refreshes.TryDequeue(out var refresh))
        {
            var key = Key(refresh.Spec, refresh.Id, refresh.C);
            try
            {
                var (_, entry) = Generate(refresh.Spec, refresh.Id, refresh.C, request: null);
                _store[key] = entry;
            }
            catch (InvalidOperationException)
            {
                // A failed refresh keeps the stale entry; the next stale read tries again (FailSafeRetryInterval is 0).
            }
            finally
            {
                _refreshing.Remove(key);
            }
        }
    }

    /// <summary><c>UpdateTag</c>, <c>RevalidateTag</c> without a profile, <c>RevalidatePath</c>: the tags expire now.</summary>
    public void ExpireTags(IEnumerable<string> tags, ModelRequest? request)
    {
        foreach (var tag in tags)
        {
            _tags[tag] = Times(tag).ExpireNow(Now);
            request?.Revalidated(tag, Now);
        }
    }

    /// <summary><c>RevalidateTag(tag, profile)</c>: stale now, and expired after the profile's expire (when it has one).</summary>
    public void StaleTag(string tag, double? expireSeconds)
    {
        _tags[tag] = Times(tag).Revalidate(Now, expireSeconds is { } e ? Now + Milliseconds(e) : null);
    }

    /// <summary>The value stored for a call, if any, without reading it (no refresh, no run).</summary>
    public string? Peek(FunctionSpec spec, int id, string c) => _store.TryGetValue(Key(spec, id, c), out var entry) ? entry.Value : null;

    private string ReadValue(FunctionSpec spec, int id, string c, ModelRequest? request, ModelScope? scope)
    {
        if (spec.IsPrivate)
        {
            if (scope is { Private: false })
            {
                throw new InvalidOperationException(ErrorMessages.PrivateInsidePublic);
            }

            if (request is null)
            {
                throw new InvalidOperationException(ErrorMessages.PrivateOutsideRequest);
            }
        }

        var key = Key(spec, id, c);
        var dedupe = scope?.Dedupe ?? request?.Dedupe;
        if (dedupe is null || !dedupe.TryGetValue(key, out var result))
        {
            result = Lookup(spec, id, c, key, request);
            dedupe?.Add(key, result);
        }

        if (scope is not null)
        {
            scope.Propagate(result.Entry);
        }
        else
        {
            request?.Record(result.Entry, spec.IsPrivate);
        }

        return result.Value;
    }

    private (string Value, Entry Entry) Lookup(FunctionSpec spec, int id, string c, string key, ModelRequest? request)
    {
        if (spec.IsPrivate)
        {
            return Generate(spec, id, c, request); // never stored
        }

        var entry = HandlerGet(key);
        if (entry is not null && request is not null && request.Discards(entry, ImplicitExpiration(request)))
        {
            entry = null;
        }

        if (entry is null || Now > entry.ExpireAt)
        {
            var generated = Generate(spec, id, c, request);
            _store[key] = generated.Entry;
            return generated;
        }

        if (Now > entry.StaleAt && _refreshing.Add(key))
        {
            _refreshes.Enqueue((spec, id, c));
        }

        return (entry.Value, entry);
    }

    /// <summary>The handler's read: expired entries and entries a tag expired are gone; a tag-stale entry comes back with revalidate -1.</summary>
    private Entry? HandlerGet(string key)
    {
        if (!_store.TryGetValue(key, out var entry))
        {
            return null;
        }

        var tagExpired = entry.Tags.Any(t => Times(t).Expires(entry.Timestamp, Now));
        if (Now > entry.ExpireAt || tagExpired)
        {
            _store.Remove(key);
            return null;
        }

        var tagStale = entry.Tags.Any(t => Times(t).Stale >= entry.Timestamp);
        return tagStale ? entry with { Revalidate = -1 } : entry;
    }

    /// <summary>The latest expiry, at or before now, of the request's implicit tags (0 when none expired).</summary>
    private long ImplicitExpiration(ModelRequest request) => request.ImplicitTags.Select(t => Times(t).LatestExpiryBy(Now)).DefaultIfEmpty(0).Max();

    private TagTimes Times(string tag) => _tags.GetValueOrDefault(tag);

    private (string Value, Entry Entry) Generate(FunctionSpec spec, int id, string c, ModelRequest? request)
    {
        var scope = new ModelScope(spec.IsPrivate);
        var timestamp = Now;
        scope.Tag(spec.Tags(id, c));
        if (spec.Life(id, c) is { } life)
        {
            scope.Explicit(life);
        }

        var nested = new List<string>();
        foreach (var (function, nestedId, nestedC) in spec.Nested(id, c))
        {
            nested.Add(ReadValue(Functions.Get(function), nestedId, nestedC, request, scope));
        }

        Runs[spec.Name] = Runs.GetValueOrDefault(spec.Name) + 1;
        if (world.Broken[id])
        {
            throw new InvalidOperationException(spec.Failure(id));
        }

        var value = spec.Format(world, id, c, nested, timestamp);
        return (value, scope.CreateEntry(value, timestamp));
    }

    private static string Key(FunctionSpec spec, int id, string c) => $"{spec.Kind}|{Functions.Id(spec)}|{id}|{c}";

    internal static long Milliseconds(double seconds) => (long)(seconds * 1000);

    private static Outcome Capture(Func<string> read)
    {
        try
        {
            return new Outcome(read(), null);
        }
        catch (InvalidOperationException ex)
        {
            return new Outcome(null, ex.Message);
        }
    }

    /// <summary>
    /// A tag's invalidations: when it last became stale; the latest moment it expired (entries made at or before it are
    /// gone, and it never moves back); and an expiry a profile scheduled for later, which a later profile replaces and
    /// which, once it has come, counts as an expiry like any other.
    /// </summary>
    internal readonly record struct TagTimes(long? Stale, long? Expired, long? Scheduled)
    {
        public TagTimes ExpireNow(long now)
        {
            var settled = Settle(now);
            return settled with { Expired = Later(settled.Expired, now) };
        }

        public TagTimes Revalidate(long now, long? scheduled)
        {
            var settled = Settle(now) with { Stale = Later(Stale, now) };
            if (scheduled is not { } at)
            {
                return settled;
            }

            return at <= now ? settled with { Expired = Later(settled.Expired, at), Scheduled = null } : settled with { Scheduled = at };
        }

        public bool Expires(long timestamp, long now) =>
            (Expired is { } e && e >= timestamp && e <= now) || (Scheduled is { } s && s >= timestamp && s <= now);

        public long LatestExpiryBy(long now) =>
            Math.Max(Expired is { } e && e <= now ? e : 0, Scheduled is { } s && s <= now ? s : 0);

        private TagTimes Settle(long now) =>
            Scheduled is { } s && s <= now ? new TagTimes(Stale, Later(Expired, s), null) : this;

        private static long Later(long? a, long b) => a is { } value && value > b ? value : b;
    }

    /// <summary>An entry: value, explicit tags (with those of nested caches), when its function started, and its lifetimes in seconds.</summary>
    internal sealed record Entry(string Value, string[] Tags, long Timestamp, double Stale, double Revalidate, double Expire)
    {
        public long ExpireAt => Expire >= Infinite ? long.MaxValue : Timestamp + Milliseconds(Expire);

        public long StaleAt => Revalidate < 0 ? long.MinValue : Math.Min(Revalidate >= Infinite ? long.MaxValue : Timestamp + Milliseconds(Revalidate), ExpireAt);
    }

    /// <summary>A running cached function: its own dedupe, its CacheTag/CacheLife calls, and what nested reads propagate.</summary>
    private sealed class ModelScope(bool isPrivate)
    {
        private readonly List<string> _tags = [];
        private double _stale = StrataDefaults.DefaultStaleSeconds;
        private double _revalidate = StrataDefaults.DefaultRevalidateSeconds;
        private double _expire = Infinite;
        private Life? _explicit;

        public bool Private => isPrivate;

        public Dictionary<string, (string Value, Entry Entry)> Dedupe { get; } = new(StringComparer.Ordinal);

        public void Tag(string[] tags) => _tags.AddRange(tags);

        public void Explicit(Life life) => _explicit = life;

        public void Propagate(Entry entry)
        {
            foreach (var tag in entry.Tags.Where(t => !_tags.Contains(t)))
            {
                _tags.Add(tag);
            }

            _stale = Math.Min(_stale, entry.Stale);
            _revalidate = Math.Min(_revalidate, Math.Max(entry.Revalidate, 0));
            _expire = Math.Min(_expire, entry.Expire);
        }

        public Entry CreateEntry(string value, long timestamp)
        {
            var stale = _explicit?.Stale ?? _stale;
            var expire = _explicit?.Expire ?? _expire;
            var revalidate = Math.Min(_explicit?.Revalidate ?? _revalidate, expire);
            return new Entry(value, _tags.Distinct(StringComparer.Ordinal).ToArray(), timestamp, stale, revalidate, expire);
        }
    }
}

/// <summary>A request in the model: its phase, implicit tags, dedupe, the tags it revalidated, and what its response records.</summary>
internal sealed class ModelRequest(CacheRequestPhase phase, IReadOnlyList<string> implicitTags)
{
    private readonly Dictionary<string, long> _revalidated = new(StringComparer.Ordinal);

    public CacheRequestPhase Phase => phase;

    public IReadOnlyList<string> ImplicitTags => implicitTags;

    public Dictionary<string, (string Value, CacheModel.Entry Entry)> Dedupe { get; } = new(StringComparer.Ordinal);

    public double? Stale { get; private set; }

    public double? Revalidate { get; private set; }

    public double? Expire { get; private set; }

    public SortedSet<string> Tags { get; } = new(StringComparer.Ordinal);

    public bool UsedPrivateCache { get; private set; }

    public bool PathWasRevalidated { get; set; }

    public void Record(CacheModel.Entry entry, bool isPrivate)
    {
        UsedPrivateCache |= isPrivate;
        Stale = Math.Min(Stale ?? double.MaxValue, entry.Stale);
        Revalidate = Math.Min(Revalidate ?? double.MaxValue, Math.Max(entry.Revalidate, 0));
        Expire = Math.Min(Expire ?? double.MaxValue, entry.Expire);
        Tags.UnionWith(entry.Tags);
    }

    /// <summary>A tag this request expired: later reads in it skip entries made before (read-your-own-writes), and calls are made again.</summary>
    public void Revalidated(string tag, long at)
    {
        _revalidated[tag] = at;
        Dedupe.Clear();
    }

    public bool Discards(CacheModel.Entry entry, long implicitExpiration) =>
        entry.Timestamp <= implicitExpiration ||
        entry.Tags.Concat(implicitTags).Any(t => _revalidated.TryGetValue(t, out var at) && at >= entry.Timestamp);
}

/// <summary>What a read returned: a value, or the message of the error it threw.</summary>
internal readonly record struct Outcome(string? Value, string? Error)
{
    public override string ToString() => Value ?? "error: " + Error;
}
