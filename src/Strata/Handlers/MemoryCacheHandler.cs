using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Strata;

/// <summary>
/// The default cache handler: entries in process memory, within a budget in bytes (the serialized size of each value),
/// evicting the least recently used entries when over it. Unlike Next.js's in-memory handler, it keeps entries past
/// their <c>revalidate</c> time until they expire, so reads get stale-while-revalidate.
/// </summary>
public sealed partial class MemoryCacheHandler : ICacheHandler
{
    private const int KeyOverhead = 32;

    private readonly ConcurrentDictionary<CacheKey, Node> _entries = new();
    private readonly ConcurrentDictionary<CacheKey, PendingSet> _pendingSets = new();
    private readonly TagManifest _tags = new();
    private readonly Clock _clock;
    private readonly ILogger _logger;
    private readonly StrataMetrics _metrics;
    private readonly KeyValuePair<string, object?> _kindTag;
    private readonly object _evictionLock = new();
    private readonly long _retainAfterExpireMs;
    private Queue<Node>? _evictionQueue;
    private long _size;
    private long _accessClock;
    private int _pendingCount;

    /// <summary>Creates a memory handler.</summary>
    /// <param name="maxSize">The budget in bytes; 0 disables the handler (nothing is stored). Default 50 MB.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where warnings go (an item larger than the budget).</param>
    public MemoryCacheHandler(long maxSize = StrataDefaults.CacheMaxMemorySize, TimeProvider? timeProvider = null, ILogger<MemoryCacheHandler>? logger = null)
        : this(maxSize, timeProvider, logger, null, StrataDefaults.DefaultKind)
    {
    }

    internal MemoryCacheHandler(long maxSize, TimeProvider? timeProvider, ILogger? logger, StrataMetrics? metrics, string kind, long retainAfterExpireMs = 0)
    {
        _retainAfterExpireMs = retainAfterExpireMs;
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        MaxSize = maxSize;
        _clock = new Clock(timeProvider ?? TimeProvider.System);
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics ?? StrataMetrics.Shared;
        _kindTag = StrataMetrics.Kind(kind);
    }

    /// <summary>The budget in bytes; 0 means the handler stores nothing.</summary>
    public long MaxSize { get; }

    /// <summary>The bytes currently held.</summary>
    public long Size => Interlocked.Read(ref _size);

    /// <summary>The number of entries currently held.</summary>
    public int Count => _entries.Count;

    /// <summary>The tag timestamps this handler keeps.</summary>
    public TagManifest Tags => _tags;

    /// <summary>
    /// What the handler holds now, for dashboards: up to <paramref name="max"/> entries, the largest first, each with its
    /// key, its size in bytes and the entry as a read would see it (lifetimes, tags, when it was made; a revalidate of -1 when
    /// a tag made it stale). Entries a tag or their expire removed are left out (and removed, as a read removes them). A
    /// snapshot; entries come and go meanwhile.
    /// </summary>
    /// <param name="max">The most entries returned.</param>
    /// <returns>The entries, largest first.</returns>
    public IReadOnlyList<(CacheKey Key, long Size, CacheEntry Entry)> GetEntries(int max = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var held = new List<(CacheKey Key, long Size, CacheEntry Entry)>();
        foreach (var (key, node) in _entries)
        {
            if (Check(node) is { } entry)
            {
                held.Add((key, node.Size, entry));
            }
        }

        return held.OrderByDescending(e => e.Size).Take(max).ToArray();
    }

    /// <inheritdoc />
    public ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _pendingCount) != 0 && _pendingSets.TryGetValue(key, out var pending))
        {
            return GetAfterPendingAsync(key, pending.Done.Task);
        }

        return new ValueTask<CacheEntry?>(GetNow(key));
    }

    /// <summary>Reads an entry without waiting: <see langword="false"/> when a write of the key is pending (use <see cref="GetAsync"/>).</summary>
    internal bool TryGet(CacheKey key, out CacheEntry? entry) => TryGet(key, out entry, out _);

    /// <summary>Reads an entry and the node holding it, without waiting: <see langword="false"/> when a write of the key is pending.</summary>
    internal bool TryGet(CacheKey key, out CacheEntry? entry, out Node? node)
    {
        if (Volatile.Read(ref _pendingCount) != 0 && _pendingSets.ContainsKey(key))
        {
            entry = null;
            node = null;
            return false;
        }

        entry = _entries.TryGetValue(key, out node) ? Check(node) : null;
        return true;
    }

    /// <inheritdoc />
    public ValueTask SetAsync(CacheKey key, Task<CacheEntry> pendingEntry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pendingEntry);
        if (pendingEntry.IsCompletedSuccessfully)
        {
#pragma warning disable RS0030 // completed successfully (checked above): Result does not block
            Store(key, pendingEntry.Result);
#pragma warning restore RS0030
            return default;
        }

        return new ValueTask(SetPendingAsync(key, pendingEntry));
    }

    /// <inheritdoc />
    public ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default) => default;

    /// <inheritdoc />
    public ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default) =>
        new(_tags.GetExpiration(tags, _clock.StampMs));

    /// <inheritdoc />
    public ValueTask UpdateTagsAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken = default)
    {
        _tags.Update(tags, durations, _clock.StampMs);
        return default;
    }

    /// <summary>Removes every entry (tag timestamps are kept).</summary>
    public void Clear()
    {
        foreach (var pair in _entries)
        {
            Remove(pair.Key, pair.Value);
        }
    }

    private CacheEntry? GetNow(CacheKey key) => _entries.TryGetValue(key, out var node) ? Check(node) : null;

    /// <summary>
    /// The entry of a node if it can still be served: not removed, not past its expiry (and fail-safe retention), no tag
    /// expired since it was made; a copy with revalidate -1 when a tag became stale since. Touches it for the LRU order.
    /// </summary>
    private CacheEntry? Check(Node node)
    {
        var entry = node.Entry;
        if (entry is null)
        {
            return null; // removed concurrently
        }

        var tags = entry.TagArray;
        if (entry.ExpireAt != long.MaxValue || tags.Length != 0)
        {
            var now = _clock.ReadMs;
            if (now > entry.ExpireAt && now - entry.ExpireAt > _retainAfterExpireMs)
            {
                // Kept for the fail-safe window past expire (the engine serves it only when the function fails).
                Remove(node.Key, node);
                return null;
            }

            if (tags.Length != 0)
            {
                var version = _tags.Version; // read before the tags: a change made during the check makes the next read look again
                if (node.TagVersion != version)
                {
                    var verdict = _tags.Judge(tags, entry.Timestamp, now);
                    if (verdict == TagVerdict.Expired)
                    {
                        Remove(node.Key, node);
                        return null;
                    }

                    if ((verdict & TagVerdict.Stale) != 0)
                    {
                        node.LastAccess = ++_accessClock;
                        return entry.WithRevalidate(-1);
                    }

                    if (verdict == TagVerdict.Fresh)
                    {
                        node.TagVersion = version; // nothing to look at again until a tag changes
                    }
                }
            }
        }

        node.LastAccess = ++_accessClock;
        return entry;
    }

    /// <summary>Reads a node's entry for a front table: the entry, or <see langword="null"/> when the node cannot serve a fresh read any more.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal CacheEntry? CheckNode(Node node)
    {
        var entry = node.Entry;
        if (entry is not null && entry.ExpireAt == long.MaxValue && entry.TagArray.Length == 0)
        {
            node.LastAccess = ++_accessClock;
            return entry;
        }

        return Check(node) is { Revalidate: >= 0 } checkedEntry ? checkedEntry : null;
    }

    private async ValueTask<CacheEntry?> GetAfterPendingAsync(CacheKey key, Task pending)
    {
        await pending.ConfigureAwait(false);
        return GetNow(key);
    }

    private Task SetPendingAsync(CacheKey key, Task<CacheEntry> pendingEntry)
    {
        var pending = new PendingSet(pendingEntry);
        Interlocked.Increment(ref _pendingCount);
        _pendingSets[key] = pending;
        return FinishWhenDoneAsync(key, pending);
    }

    private async Task FinishWhenDoneAsync(CacheKey key, PendingSet pending)
    {
        try
        {
            await pending.Entry.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The function failed: errors are never cached. The caller saw the exception already.
        }

        Finish(key, pending);
    }

    /// <summary>
    /// Stores the entry of a pending write the engine has just completed, at once rather than on the write's continuation
    /// (which runs later, on the thread pool): the entry is readable before the run's in-flight slot is freed, so a caller
    /// that comes after the run finds it instead of running the function again, and a response that used it is sent after
    /// it is held.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The pending entry given to <see cref="SetAsync"/>, now completed.</param>
    internal void StoreCompleted(CacheKey key, Task<CacheEntry> entry)
    {
        if (Volatile.Read(ref _pendingCount) != 0 && _pendingSets.TryGetValue(key, out var pending) && ReferenceEquals(pending.Entry, entry))
        {
            Finish(key, pending);
        }
    }

    /// <summary>Stores a completed pending write's entry (once: the engine and the write's continuation may both get here) and ends the wait of its readers.</summary>
    private void Finish(CacheKey key, PendingSet pending)
    {
        if (Interlocked.Exchange(ref pending.Finished, 1) != 0)
        {
            return;
        }

        try
        {
            if (pending.Entry.IsCompletedSuccessfully)
            {
#pragma warning disable RS0030 // completed successfully (checked above): Result does not block
                Store(key, pending.Entry.Result);
#pragma warning restore RS0030
            }
        }
        catch (Exception)
        {
            // Not stored (Store logs what it can name); the caller has its value, and the next read runs the function again.
        }
        finally
        {
            _pendingSets.TryRemove(new KeyValuePair<CacheKey, PendingSet>(key, pending));
            Interlocked.Decrement(ref _pendingCount);
            pending.Done.SetResult();
        }
    }

    /// <summary>A write whose entry is still being made; readers of its key wait for <see cref="Done"/>.</summary>
    private sealed class PendingSet(Task<CacheEntry> entry)
    {
        public int Finished;

        public Task<CacheEntry> Entry { get; } = entry;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void Store(CacheKey key, CacheEntry entry)
    {
        if (MaxSize == 0)
        {
            return;
        }

        long size;
        try
        {
            size = entry.Value.Size + KeyOverhead;
        }
        catch (Exception ex)
        {
            LogNotSerializable(key.Description ?? key.ToString(), ex);
            return;
        }

        if (size > MaxSize)
        {
            LogTooLarge(key.Description ?? key.ToString(), size, MaxSize);
            return;
        }

        var node = new Node(key, entry, size) { LastAccess = ++_accessClock };
        var previous = default(Node);
        _entries.AddOrUpdate(key, node, (_, old) =>
        {
            previous = old;
            return node;
        });

        previous?.Release();
        var delta = size - (previous?.Size ?? 0);
        var total = Interlocked.Add(ref _size, delta);
        _metrics.Bytes.Add(delta, _kindTag);
        if (total > MaxSize)
        {
            Evict();
        }
    }

    private void Remove(CacheKey key, Node node)
    {
        if (_entries.TryRemove(new KeyValuePair<CacheKey, Node>(key, node)))
        {
            node.Release();
            Interlocked.Add(ref _size, -node.Size);
            _metrics.Bytes.Add(-node.Size, _kindTag);
        }
    }

    /// <summary>
    /// Evicts least recently used entries until the total is within budget. Candidates are ordered once and kept in a
    /// queue, so eviction is amortized; a candidate touched after it was queued is skipped (it is recent again).
    /// </summary>
    private void Evict()
    {
        lock (_evictionLock)
        {
            while (Interlocked.Read(ref _size) > MaxSize)
            {
                if (_evictionQueue is null || _evictionQueue.Count == 0)
                {
                    var snapshot = _entries.ToArray();
                    Array.Sort(snapshot, static (a, b) => a.Value.LastAccess.CompareTo(b.Value.LastAccess));
                    _evictionQueue = new Queue<Node>(snapshot.Length);
                    foreach (var pair in snapshot)
                    {
                        pair.Value.QueuedAccess = pair.Value.LastAccess;
                        _evictionQueue.Enqueue(pair.Value);
                    }

                    if (_evictionQueue.Count == 0)
                    {
                        return;
                    }
                }

                var candidate = _evictionQueue.Dequeue();
                if (candidate.LastAccess != candidate.QueuedAccess)
                {
                    continue; // used since it was queued
                }

                if (_entries.TryGetValue(candidate.Key, out var current) && ReferenceEquals(current, candidate))
                {
                    Remove(candidate.Key, candidate);
                    _metrics.Evictions.Add(1, _kindTag);
                }
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Single item size exceeds maxSize: the entry {Key} is {Size} bytes and the memory cache budget is {MaxSize} bytes, so it is not cached. Raise Strata:CacheMaxMemorySize or return less data.")]
    private partial void LogTooLarge(string key, long size, long maxSize);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "The value of cache entry {Key} could not be serialized, so it is not cached. Return plain data (records, collections, primitives) from cached functions.")]
    private partial void LogNotSerializable(string key, Exception exception);

    /// <summary>One stored entry. Front tables of the engine hold nodes; a removed node lets go of its entry.</summary>
    internal sealed class Node(CacheKey key, CacheEntry entry, long size)
    {
        private CacheEntry? _entry = entry;

        public CacheKey Key { get; } = key;

        /// <summary>The entry, or <see langword="null"/> once the node was removed, replaced or evicted.</summary>
        public CacheEntry? Entry => Volatile.Read(ref _entry);

        public long Size { get; } = size;

        public long LastAccess;

        public long QueuedAccess;

        public int TagVersion = -1;

        public void Release() => Volatile.Write(ref _entry, null);
    }
}
