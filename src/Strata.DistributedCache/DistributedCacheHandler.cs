using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Handlers.Internal;

namespace Strata.DistributedCache;

/// <summary>
/// A cache handler over any <see cref="IDistributedCache"/> (SQL Server, PostgreSQL, SQLite, Redis, …), with the same tag
/// semantics as the other handlers: tag timestamps are stored as entries of the distributed cache (<c>{prefix}t:&lt;tag&gt;</c>),
/// so an invalidation on one instance applies to every instance that shares the store. Register it with
/// <c>AddStrata().AddDistributedCacheHandler("remote")</c> after registering an <see cref="IDistributedCache"/>.
/// </summary>
/// <remarks>
/// There is no pub/sub: every read checks the entry's tags against the store (or against a copy at most
/// <see cref="DistributedCacheHandlerOptions.TagCacheDuration"/> old). Tag updates are read-modify-write, so two
/// instances invalidating the same tag at the same moment may keep only one of the two timestamps. Stampede protection is
/// per instance. Entries are stored with an absolute expiration of their <c>expire</c> plus
/// <see cref="StrataOptions.FailSafeWindow"/>; the handler checks timestamps itself, so that expiration only collects
/// garbage. When the store fails, reads miss and writes are dropped (one warning per outage); invalidations throw.
/// </remarks>
public sealed partial class DistributedCacheHandler : ICacheHandler
{
    private readonly IDistributedCache _cache;
    private readonly DistributedCacheHandlerOptions _options;
    private readonly ICacheSerializer _serializer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _failSafeWindowMs;
    private readonly ConcurrentDictionary<CacheKey, Task> _pendingSets = new();
    private readonly ConcurrentDictionary<string, (TagRecord Record, long ReadAt)> _tags = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tagWrites = new(1, 1);
    private int _failing;

    /// <summary>Creates a handler over a distributed cache.</summary>
    /// <param name="cache">The distributed cache.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="strataOptions">Strata's options: the serializer values are read back with, and the fail-safe window. Defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of entry and tag timestamps; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the outage warning goes.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DistributedCacheHandler(IDistributedCache cache, DistributedCacheHandlerOptions? options = null, StrataOptions? strataOptions = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        options ??= new DistributedCacheHandlerOptions();
        if (options.KeyPrefix is null)
        {
            throw new ArgumentException($"{DistributedCacheDefaults.ConfigurationSection}: KeyPrefix is null. Leave it unset for the default \"{DistributedCacheDefaults.KeyPrefix}\", or give a prefix such as \"myapp:\".", nameof(options));
        }

        OptionRules.NotNegative(options.MaxTimeToLive, nameof(options.MaxTimeToLive), DistributedCacheDefaults.ConfigurationSection, $"{DistributedCacheDefaults.MaxTimeToLiveDays} days");
        OptionRules.NotNegative(options.TagCacheDuration, nameof(options.TagCacheDuration), DistributedCacheDefaults.ConfigurationSection, "0 (read tags on every read)");
        _cache = cache;
        _options = options;
        _serializer = strataOptions?.Serializer ?? new JsonCacheSerializer();
        _failSafeWindowMs = strataOptions is null ? 0 : (long)Math.Max(0, strataOptions.FailSafeWindow.TotalMilliseconds);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DistributedCacheHandler>();
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public async ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default)
    {
        if (_pendingSets.TryGetValue(key, out var pending))
        {
            await pending.ConfigureAwait(false);
        }

        byte[]? bytes;
        try
        {
            bytes = await _cache.GetAsync(EntryKey(key), cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed(ex);
            return null;
        }

        if (bytes is null || EntryCodec.Decode(bytes, _serializer) is not { } entry)
        {
            return null;
        }

        var now = Now;
        if (entry.ExpireAt != long.MaxValue && now > entry.ExpireAt && now - entry.ExpireAt > _failSafeWindowMs)
        {
            return null;
        }

        var stale = false;
        foreach (var tag in entry.Tags)
        {
            if (await ReadTagAsync(tag, cancellationToken).ConfigureAwait(false) is not { } record)
            {
                return null; // the store failed: the entry cannot be checked
            }

            if (record.State.Expires(entry.Timestamp, now))
            {
                return null;
            }

            stale |= record.State.MakesStale(entry.Timestamp);
        }

        return stale ? entry.WithRevalidate(-1) : entry;
    }

    /// <inheritdoc />
    public ValueTask SetAsync(CacheKey key, Task<CacheEntry> pendingEntry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pendingEntry);
        return new ValueTask(SetCoreAsync(key, pendingEntry));
    }

    /// <inheritdoc />
    public ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default) => default;

    /// <inheritdoc />
    public async ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var now = Now;
        long expiration = 0;
        foreach (var tag in tags)
        {
            if (await ReadTagAsync(tag, cancellationToken).ConfigureAwait(false) is not { } record)
            {
                return now; // cannot be checked: treat as expired now
            }

            expiration = Math.Max(expiration, record.State.ExpiredBy(now));
        }

        return expiration;
    }

    /// <inheritdoc />
    public async ValueTask UpdateTagsAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var now = Now;
        await _tagWrites.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var tag in tags)
            {
                var bytes = await _cache.GetAsync(TagKey(tag), cancellationToken).ConfigureAwait(false);
                var existing = bytes is null ? TagRecord.None : TagRecord.Parse(System.Text.Encoding.UTF8.GetString(bytes));
                var updated = TagRecord.Apply(existing, durations, now, now, revision: 0);
                var ttl = (long)_options.MaxTimeToLive.TotalMilliseconds;
                var entryOptions = new DistributedCacheEntryOptions();
                if (ttl > 0)
                {
                    entryOptions.AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(ttl + _failSafeWindowMs);
                }

                await _cache.SetAsync(TagKey(tag), System.Text.Encoding.UTF8.GetBytes(updated.Format()), entryOptions, cancellationToken).ConfigureAwait(false);
                _tags[tag] = (updated, now);
            }
        }
        finally
        {
            _tagWrites.Release();
        }
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
                return; // errors are never cached
            }

            var options = new DistributedCacheEntryOptions();
            var cap = (long)_options.MaxTimeToLive.TotalMilliseconds;
            var ttl = entry.ExpireAt == long.MaxValue ? cap : entry.ExpireAt + _failSafeWindowMs - Now;
            if (entry.ExpireAt != long.MaxValue)
            {
                if (ttl <= 0)
                {
                    return;
                }

                ttl = cap > 0 ? Math.Min(ttl, cap) : ttl;
            }

            if (ttl > 0)
            {
                options.AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(ttl);
            }

            byte[] bytes;
            try
            {
                bytes = EntryCodec.Encode(entry);
            }
            catch (Exception ex)
            {
                LogNotSerializable(key.Description ?? key.ToString(), ex);
                return;
            }

            try
            {
                await _cache.SetAsync(EntryKey(key), bytes, options).ConfigureAwait(false);
                Succeeded();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Failed(ex);
            }
        }
        finally
        {
            _pendingSets.TryRemove(new KeyValuePair<CacheKey, Task>(key, done.Task));
            done.SetResult();
        }
    }

    /// <summary>A tag's record, from the short-lived copy or the store; <see langword="null"/> when the store failed.</summary>
    private async ValueTask<TagRecord?> ReadTagAsync(string tag, CancellationToken cancellationToken)
    {
        var now = Now;
        var maxAge = (long)_options.TagCacheDuration.TotalMilliseconds;
        if (maxAge > 0 && _tags.TryGetValue(tag, out var cached) && now - cached.ReadAt < maxAge)
        {
            return cached.Record;
        }

        try
        {
            var bytes = await _cache.GetAsync(TagKey(tag), cancellationToken).ConfigureAwait(false);
            var record = bytes is null ? TagRecord.None : TagRecord.Parse(System.Text.Encoding.UTF8.GetString(bytes));
            if (maxAge > 0)
            {
                _tags[tag] = (record, now);
            }

            return record;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed(ex);
            return null;
        }
    }

    private string EntryKey(CacheKey key) => string.Concat(_options.KeyPrefix, "e:", key.ToString());

    private string TagKey(string tag) => string.Concat(_options.KeyPrefix, "t:", tag);

    private void Failed(Exception exception)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            LogUnavailable(exception.Message, exception);
        }
    }

    private void Succeeded()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            LogRecovered();
        }
    }

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "The distributed cache behind the Strata cache handler failed ({Reason}); reads miss and writes are dropped until it answers again. This is logged once per outage.")]
    private partial void LogUnavailable(string reason, Exception exception);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "The distributed cache behind the Strata cache handler answers again.")]
    private partial void LogRecovered();

    [LoggerMessage(EventId = 113, Level = LogLevel.Error, Message = "The value of cache entry {Key} could not be serialized, so it is not cached. Return plain data (records, collections, primitives) from cached functions.")]
    private partial void LogNotSerializable(string key, Exception exception);
}

/// <summary>
/// Options of a <see cref="DistributedCacheHandler"/>; with <c>AddDistributedCacheHandler(kind)</c> bound from
/// <c>Strata:DistributedCache</c>, then <c>Strata:DistributedCache:Kinds:&lt;kind&gt;</c>, then the delegate in code.
/// </summary>
public sealed class DistributedCacheHandlerOptions
{
    /// <summary>What every key of this handler starts with. Instances that share entries and tags use the same prefix. Default <c>strata:</c>.</summary>
    public string KeyPrefix { get; set; } = DistributedCacheDefaults.KeyPrefix;

    /// <summary>
    /// The longest time an entry (or a tag timestamp) is kept in the store, whatever its <c>expire</c>. Default 30 days;
    /// <see cref="TimeSpan.Zero"/> keeps entries that never expire for ever.
    /// </summary>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(DistributedCacheDefaults.MaxTimeToLiveDays);

    /// <summary>
    /// How long a tag's timestamps read from the store are reused before being read again. Zero reads them on every read,
    /// so an invalidation on another instance applies at once; more saves reads but lets other instances serve invalidated
    /// entries for up to that long. Default zero.
    /// </summary>
    public TimeSpan TagCacheDuration { get; set; }
}

/// <summary>The defaults of <see cref="DistributedCacheHandlerOptions"/>.</summary>
public static class DistributedCacheDefaults
{
    /// <summary>The key prefix: <c>strata:</c>.</summary>
    public const string KeyPrefix = "strata:";

    /// <summary>The longest an entry or tag is kept: 30 days.</summary>
    public const int MaxTimeToLiveDays = 30;

    /// <summary>The configuration section of the handler options: <c>Strata:DistributedCache</c>.</summary>
    public const string ConfigurationSection = "Strata:DistributedCache";
}
