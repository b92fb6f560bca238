using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Strata.Redis.Internal;

namespace Strata.Redis;

/// <summary>
/// A cache handler on Redis (<c>'use cache: remote'</c>, or any custom kind): entries are shared by every instance that
/// uses the same Redis and key prefix, and so are tag invalidations. Register it with
/// <c>AddStrata().AddRedisCacheHandler("remote", o =&gt; o.Configuration = "localhost:6379")</c>.
/// </summary>
/// <remarks>
/// <para>
/// Entries are stored under their key with a time-to-live of their <c>expire</c> (plus
/// <see cref="StrataOptions.FailSafeWindow"/>); the handler checks timestamps itself on every read, so Redis's TTL only
/// collects garbage. Tag timestamps live in Redis: a <c>RevalidateTag</c> or <c>UpdateTag</c> on any instance applies to
/// all of them. Each invalidation is published, so instances that keep tag state (and the optional local tier, see
/// <see cref="RedisCacheHandlerOptions.LocalCacheSize"/>) learn it within milliseconds; <see cref="RefreshTagsAsync"/>,
/// called once per request, catches up on anything a lost message missed.
/// </para>
/// <para>
/// Distributed stampede protection: the first instance to miss a key takes a lease on it and runs the function; the
/// others wait until the value lands (they are woken by a message) or <see cref="RedisCacheHandlerOptions.LeaseWaitTimeout"/>
/// passes. A stale entry is refreshed in the background by one instance of the cluster (see <see cref="ICacheRefreshCoordinator"/>).
/// </para>
/// <para>
/// When Redis does not answer (see <see cref="RedisCacheHandlerOptions.OperationTimeout"/>; a run of failures lasting a
/// second, or a broken connection, is an outage), reads fall back to the local tier, for entries confirmed current within
/// <see cref="RedisCacheHandlerOptions.MaxStalenessDuringOutage"/>, or miss (the function runs); writes stay local;
/// invalidations are applied locally and written to Redis when it returns (or fail, see
/// <see cref="RedisCacheHandlerOptions.TagUpdatesDuringOutage"/>). One warning is logged per outage and one information
/// message on recovery; the local tier and tag state are kept across a recovery and reconciled from Redis's change log,
/// unless Redis lost its data.
/// </para>
/// </remarks>
public sealed partial class RedisCacheHandler : ICacheHandler, ICacheRefreshCoordinator, ICacheHandlerHealth, ITagBackplane, IAsyncDisposable
{
    private static readonly string[] NoTags = [];

    private readonly RedisCacheHandlerOptions _options;
    private readonly ICacheSerializer _serializer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _failSafeWindowMs;
    private readonly TimeSpan _refreshLeaseDuration;
    private readonly string _prefix;
    private readonly ConcurrentDictionary<CacheKey, Task> _pendingSets = new();
    private readonly MemoryCacheHandler? _local;
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Creates a handler and starts connecting to Redis in the background (see <see cref="ConnectAsync"/>).</summary>
    /// <param name="options">The Redis options.</param>
    /// <param name="strataOptions">Strata's options: the serializer values are read back with, and the fail-safe window entries are kept for past their expiry. Defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of entry and tag timestamps; <see cref="TimeProvider.System"/> when <see langword="null"/>. Timeouts always use real time.</param>
    /// <param name="loggerFactory">Where the outage warning and the recovery message go.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the option and the fix.</exception>
    public RedisCacheHandler(RedisCacheHandlerOptions options, StrataOptions? strataOptions = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(options, strataOptions, timeProvider, loggerFactory, name: null)
    {
    }

    internal RedisCacheHandler(RedisCacheHandlerOptions options, StrataOptions? strataOptions, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, string? name)
    {
        ArgumentNullException.ThrowIfNull(options);
        RedisOptionsValidation.Validate(options, name);
        _options = options;
        _serializer = strataOptions?.Serializer ?? new JsonCacheSerializer();
        _failSafeWindowMs = strataOptions is null ? 0 : (long)Math.Max(0, strataOptions.FailSafeWindow.TotalMilliseconds);
        var retry = strataOptions?.FailSafeRetryInterval ?? TimeSpan.FromSeconds(StrataDefaults.FailSafeRetryIntervalSeconds);
        _refreshLeaseDuration = TimeSpan.FromTicks(Math.Clamp(retry.Ticks, TimeSpan.TicksPerSecond, Math.Max(TimeSpan.TicksPerSecond, options.LeaseDuration.Ticks)));
        _time = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<RedisCacheHandler>();
        _prefix = options.KeyPrefix;
        Name = name ?? options.KeyPrefix;
        _channel = RedisChannel.Literal(_prefix + "events");
        if (options.LocalCacheSize > 0)
        {
            _local = new MemoryCacheHandler(options.LocalCacheSize, _time, loggerFactory.CreateLogger<MemoryCacheHandler>());
        }

        _tagKeys = new TagKeys(_prefix);
        _connecting = ConnectCoreAsync();
    }

    /// <summary>The name used in logs: the cache kind when registered with <c>AddRedisCacheHandler</c>, else the key prefix.</summary>
    public string Name { get; }

    /// <summary>Whether Redis is reachable now. While it is not, the handler serves from the local tier or misses.</summary>
    public bool IsAvailable => Volatile.Read(ref _state) == StateAvailable;

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    internal RedisCacheHandlerOptions Options => _options;

    /// <inheritdoc />
    public ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default)
    {
        var check = CurrentTagCheck;
#pragma warning disable RS0030 // read only when completed: does not block
        if (check.IsCompleted && (_pendingSets.IsEmpty || !_pendingSets.ContainsKey(key)) && TryGetFreshLocal(key, confirmed: check.Result, out var local))
#pragma warning restore RS0030
        {
            return new ValueTask<CacheEntry?>(local);
        }

        return new ValueTask<CacheEntry?>(GetCoreAsync(key, check));
    }

    /// <inheritdoc />
    public ValueTask SetAsync(CacheKey key, Task<CacheEntry> pendingEntry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pendingEntry);
        return new ValueTask(SetCoreAsync(key, pendingEntry));
    }

    /// <summary>Waits until the first connection attempt has finished (connected or not). The handler works before that, without Redis.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the first attempt is over.</returns>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Fresh entries of the local tier are served without a round trip when their tags are known to be valid, and, unless
    /// the tag state is <paramref name="confirmed"/> by a healthy Redis, only within the staleness bound.
    /// </summary>
    private bool TryGetFreshLocal(CacheKey key, bool confirmed, out CacheEntry? entry)
    {
        entry = null;
        if (_local is null)
        {
            return false;
        }

        var pending = _local.GetAsync(key, NoTags);
#pragma warning disable RS0030 // read only when completed successfully: does not block
        if (!pending.IsCompletedSuccessfully || pending.Result is not { } candidate)
#pragma warning restore RS0030
        {
            return false;
        }

        var now = Now;
        if (now > candidate.StaleAt || !TryJudgeLocal(candidate, confirmed && IsAvailable, now, out var verdict) || verdict != TagVerdict.Valid)
        {
            return false;
        }

        entry = candidate;
        return true;
    }

    /// <summary>
    /// Checks a local-tier entry's tags without asking Redis. With tag state <paramref name="confirmed"/>, every tag must be
    /// known. Without (an outage, or a tag check Redis did not answer), the staleness bound applies: an entry made within
    /// <see cref="RedisCacheHandlerOptions.MaxStalenessDuringOutage"/> was current then, so only invalidations known here
    /// count (tags never read do not matter: what they say is older than the entry, or unknowable anyway); an older entry
    /// needs every tag known and tag state confirmed by Redis within the bound. Otherwise it is not served.
    /// </summary>
    private bool TryJudgeLocal(CacheEntry entry, bool confirmed, long now, out TagVerdict verdict)
    {
        if (confirmed)
        {
            return _tags.TryEvaluate(entry, now, out verdict);
        }

        var bound = (long)_options.MaxStalenessDuringOutage.TotalMilliseconds;
        if (now - entry.Timestamp <= bound)
        {
            return _tags.TryEvaluate(entry, now, out verdict, unknownIsValid: true);
        }

        verdict = default;
        return now - Volatile.Read(ref _confirmedAt) <= bound && _tags.TryEvaluate(entry, now, out verdict);
    }

    /// <summary>
    /// The read: the entry is asked for in the same round trip as the request's tag check (both are in flight together), unless
    /// a fresh local-tier entry may answer; that one answers once <see cref="RedisCacheHandlerOptions.LatencyBudget"/> is spent
    /// waiting for the tag check, which goes on in the background. Without a confirmed tag check (Redis unavailable, or the
    /// check failed) only local-tier entries within the staleness bound are served, else the function runs.
    /// </summary>
    private async Task<CacheEntry?> GetCoreAsync(CacheKey key, Task<bool> check)
    {
        if (_pendingSets.TryGetValue(key, out var pending))
        {
            await pending.ConfigureAwait(false);
        }

        var local = _local is null ? null : await _local.GetAsync(key, NoTags).ConfigureAwait(false);
        var freshLocal = local is not null && Now <= local.StaleAt;
        var read = freshLocal || !IsAvailable ? null : ReadRawAsync(key);
        if (!check.IsCompleted && freshLocal)
        {
            if (await Task.WhenAny(check, Task.Delay(_options.LatencyBudget)).ConfigureAwait(false) != check && TryGetFreshLocal(key, confirmed: false, out var early))
            {
                return early;
            }
        }

        var confirmed = await check.ConfigureAwait(false) && IsAvailable;
        CacheEntry? fallback = null;
        if (local is not null)
        {
            var (usable, result) = confirmed ? await EvaluateAsync(local).ConfigureAwait(false) : JudgeUnconfirmed(local);
            if (usable)
            {
                if (!IsStale(result!))
                {
                    return result;
                }

                fallback = result;
            }
        }

        if (!confirmed)
        {
            return fallback;
        }

        var (answered, bytes) = await (read ?? ReadRawAsync(key)).ConfigureAwait(false);
        var stored = await DecodeAsync(key, bytes).ConfigureAwait(false);
        if (stored.Entry is { } entry && (fallback is null || entry.Timestamp >= fallback.Timestamp))
        {
            if (_local is not null)
            {
                await _local.SetAsync(key, Task.FromResult(stored.Raw!)).ConfigureAwait(false);
            }

            return entry;
        }

        if (fallback is not null || !answered || !IsAvailable)
        {
            return fallback;
        }

        return await MissAsync(key).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the stored entry of a key: the entry as the engine should see it, and as stored.</summary>
    private async Task<(CacheEntry? Entry, CacheEntry? Raw)> ReadAsync(CacheKey key) =>
        await DecodeAsync(key, (await ReadRawAsync(key).ConfigureAwait(false)).Bytes).ConfigureAwait(false);

    /// <summary>The stored bytes of a key; <c>Answered</c> is <see langword="false"/> when Redis did not answer (the failure is counted).</summary>
    private async Task<(bool Answered, byte[]? Bytes)> ReadRawAsync(CacheKey key)
    {
        try
        {
            return (true, (byte[]?)await Timed(Database.StringGetAsync(EntryKey(key))).ConfigureAwait(false));
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            OnFailure(ex);
            return default;
        }
    }

    private async Task<(CacheEntry? Entry, CacheEntry? Raw)> DecodeAsync(CacheKey key, byte[]? bytes)
    {
        if (bytes is null)
        {
            return default;
        }

        var stored = EntryCodec.Decode(bytes, _serializer);
        if (stored is null)
        {
            LogUnreadableEntry(Name, key.ToString());
            return default;
        }

        var (usable, result) = await EvaluateAsync(stored).ConfigureAwait(false);
        return usable ? (result, stored) : default;
    }

    private bool IsStale(CacheEntry entry) => entry.Revalidate < 0 || Now > entry.StaleAt;

    /// <summary>
    /// Checks an entry against time and tags. Unusable: past its expiry plus the fail-safe window, or one of its tags
    /// expired after it was made, or a tag's state cannot be known (Redis is unreachable and this instance never read it).
    /// Usable: the entry, with <c>revalidate = -1</c> when one of its tags became stale after it was made.
    /// </summary>
    private async ValueTask<(bool Usable, CacheEntry? Entry)> EvaluateAsync(CacheEntry entry)
    {
        var now = Now;
        if (PastRetention(entry, now))
        {
            return (false, null);
        }

        if (!_tags.TryEvaluate(entry, now, out var verdict))
        {
            if (!await LoadTagsAsync(entry.Tags).ConfigureAwait(false) || !_tags.TryEvaluate(entry, now, out verdict))
            {
                return (false, null);
            }
        }

        return Usable(entry, verdict);
    }

    /// <summary>Checks a local-tier entry when Redis cannot confirm tag state (see <see cref="TryJudgeLocal"/>).</summary>
    private (bool Usable, CacheEntry? Entry) JudgeUnconfirmed(CacheEntry entry)
    {
        var now = Now;
        return !PastRetention(entry, now) && TryJudgeLocal(entry, confirmed: false, now, out var verdict) ? Usable(entry, verdict) : (false, null);
    }

    /// <summary>Past its expiry plus the fail-safe window.</summary>
    private bool PastRetention(CacheEntry entry, long now) =>
        entry.ExpireAt != long.MaxValue && now > entry.ExpireAt && now - entry.ExpireAt > _failSafeWindowMs;

    private static (bool Usable, CacheEntry? Entry) Usable(CacheEntry entry, TagVerdict verdict) => verdict switch
    {
        TagVerdict.Expired => (false, null),
        TagVerdict.Stale => (true, entry.WithRevalidate(-1)),
        _ => (true, entry),
    };

    private async Task SetCoreAsync(CacheKey key, Task<CacheEntry> pendingEntry)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingSets[key] = done.Task;
        try
        {
            CacheEntry entry;
            try
            {
                entry = await pendingEntry.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The function failed: errors are never cached. Let instances waiting for this key try themselves.
                await ReleaseLeaseAsync(key, stored: false).ConfigureAwait(false);
                return;
            }

            byte[] bytes;
            try
            {
                bytes = EntryCodec.Encode(entry);
            }
            catch (Exception ex)
            {
                LogNotSerializable(Name, key.Description ?? key.ToString(), ex);
                await ReleaseLeaseAsync(key, stored: false).ConfigureAwait(false);
                return;
            }

            if (_local is not null)
            {
                await _local.SetAsync(key, Task.FromResult(entry)).ConfigureAwait(false);
            }

            await StoreAsync(key, bytes, TimeToLive(entry)).ConfigureAwait(false);
            if (_local is not null)
            {
                await LoadTagsAsync(entry.Tags).ConfigureAwait(false); // so that the local tier can serve it without a round trip
            }
        }
        finally
        {
            _pendingSets.TryRemove(new KeyValuePair<CacheKey, Task>(key, done.Task));
            done.SetResult();
            WakeWaiters(key); // misses here that waited for this fill
        }
    }

    private async Task StoreAsync(CacheKey key, byte[] bytes, long timeToLive)
    {
        if (HoldsLease(key))
        {
            await StoreAndReleaseAsync(key, bytes, timeToLive, stored: true).ConfigureAwait(false);
            return;
        }

        if (timeToLive < 0 || !IsAvailable)
        {
            return;
        }

        try
        {
            var expiry = timeToLive == 0 ? Expiration.Default : new Expiration(TimeSpan.FromMilliseconds(timeToLive));
            await Timed(Database.StringSetAsync(EntryKey(key), bytes, expiry)).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            OnFailure(ex);
        }
    }

    /// <summary>Milliseconds Redis keeps an entry: until its expiry plus the fail-safe window, capped; 0 = no TTL; -1 = already gone.</summary>
    private long TimeToLive(CacheEntry entry)
    {
        var cap = (long)_options.MaxTimeToLive.TotalMilliseconds;
        if (entry.ExpireAt == long.MaxValue)
        {
            return cap;
        }

        var ttl = entry.ExpireAt + _failSafeWindowMs - Now;
        if (ttl <= 0)
        {
            return -1;
        }

        return cap > 0 ? Math.Min(ttl, cap) : ttl;
    }

    private RedisKey EntryKey(CacheKey key) => string.Concat(_prefix, "{", key.ToString(), "}:e");

    private RedisKey LeaseKey(CacheKey key) => string.Concat(_prefix, "{", key.ToString(), "}:l");

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "The value of cache entry {Key} could not be serialized, so the \"{Handler}\" Redis cache handler did not store it. Return plain data (records, collections, primitives) from cached functions.")]
    private partial void LogNotSerializable(string handler, string key, Exception exception);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "The \"{Handler}\" Redis cache handler found an entry for {Key} in a format it cannot read (written by another version); it is treated as missing.")]
    private partial void LogUnreadableEntry(string handler, string key);
}
