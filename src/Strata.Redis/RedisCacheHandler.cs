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
/// When Redis is unreachable or slower than <see cref="RedisCacheHandlerOptions.OperationTimeout"/>, reads fall back to the
/// local tier or miss (the function runs), writes stay local, invalidations are applied locally and written to Redis when
/// it returns. One warning is logged per outage and one information message on recovery; after recovery the local tier and
/// the tag state this instance knew are dropped and read again from Redis.
/// </para>
/// </remarks>
public sealed partial class RedisCacheHandler : ICacheHandler, ICacheRefreshCoordinator, IAsyncDisposable
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

    /// <inheritdoc />
    public ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default)
    {
        if ((_pendingSets.IsEmpty || !_pendingSets.ContainsKey(key)) && TryGetFreshLocal(key, out var local))
        {
            return new ValueTask<CacheEntry?>(local);
        }

        return new ValueTask<CacheEntry?>(GetCoreAsync(key));
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

    /// <summary>Fresh entries of the local tier are served without a round trip (when their tags are known to be valid).</summary>
    private bool TryGetFreshLocal(CacheKey key, out CacheEntry? entry)
    {
        entry = null;
        if (_local is null)
        {
            return false;
        }

        var pending = _local.GetAsync(key, NoTags);
        if (!pending.IsCompletedSuccessfully || pending.Result is not { } candidate)
        {
            return false;
        }

        var now = Now;
        if (now > candidate.StaleAt || !_tags.TryEvaluate(candidate, now, out var verdict) || verdict != TagVerdict.Valid)
        {
            return false;
        }

        entry = candidate;
        return true;
    }

    private async Task<CacheEntry?> GetCoreAsync(CacheKey key)
    {
        if (_pendingSets.TryGetValue(key, out var pending))
        {
            await pending.ConfigureAwait(false);
        }

        CacheEntry? fallback = null;
        if (_local is not null && await _local.GetAsync(key, NoTags).ConfigureAwait(false) is { } local)
        {
            var (usable, result) = await EvaluateAsync(local).ConfigureAwait(false);
            if (usable && !IsStale(result!))
            {
                return result;
            }

            fallback = usable ? result : null;
        }

        if (!IsAvailable)
        {
            return fallback;
        }

        var stored = await ReadAsync(key).ConfigureAwait(false);
        if (stored.Entry is { } entry && (fallback is null || entry.Timestamp >= fallback.Timestamp))
        {
            if (_local is not null)
            {
                await _local.SetAsync(key, Task.FromResult(stored.Raw!)).ConfigureAwait(false);
            }

            return entry;
        }

        if (fallback is not null || !IsAvailable)
        {
            return fallback;
        }

        return await MissAsync(key).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the stored entry of a key: the entry as the engine should see it, and as stored.</summary>
    private async Task<(CacheEntry? Entry, CacheEntry? Raw)> ReadAsync(CacheKey key)
    {
        byte[]? bytes;
        try
        {
            bytes = (byte[]?)await Timed(Database.StringGetAsync(EntryKey(key))).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            MarkUnavailable(ex);
            return default;
        }

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
        if (entry.ExpireAt != long.MaxValue && now > entry.ExpireAt && now - entry.ExpireAt > _failSafeWindowMs)
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

        return verdict switch
        {
            TagVerdict.Expired => (false, null),
            TagVerdict.Stale => (true, entry.WithRevalidate(-1)),
            _ => (true, entry),
        };
    }

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
            MarkUnavailable(ex);
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
