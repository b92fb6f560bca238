using System.Collections.Concurrent;

namespace Strata.Tests.Values;

/// <summary>
/// A handler that keeps only bytes, as the Redis and IDistributedCache handlers do: it stores
/// <see cref="CacheValue.GetBytes"/> and reads entries back with <see cref="CacheValue.FromBytes"/>, so every hit is read
/// by the declared result type from what another process could have written. No tags, no expiry.
/// </summary>
internal sealed class BytesHandler(ICacheSerializer serializer) : ICacheHandler
{
    private readonly ConcurrentDictionary<CacheKey, (byte[] Bytes, CacheEntry Entry)> _entries = new();
    private readonly ConcurrentDictionary<CacheKey, Task> _pending = new();
    private int _refused;

    public int Count => _entries.Count;

    /// <summary>Entries that could not be stored because their value would not give its bytes.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public async ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default)
    {
        if (_pending.TryGetValue(key, out var pending))
        {
            await pending; // a read that races a write of the key waits for it, as every handler must
        }

        return _entries.TryGetValue(key, out var stored)
            ? new CacheEntry(CacheValue.FromBytes(stored.Bytes, serializer), stored.Entry.Tags, stored.Entry.Timestamp, stored.Entry.Stale, stored.Entry.Revalidate, stored.Entry.Expire)
            : null;
    }

    public ValueTask SetAsync(CacheKey key, Task<CacheEntry> pendingEntry, CancellationToken cancellationToken = default)
    {
        var write = StoreAsync(key, pendingEntry);
        _pending[key] = write;
        _ = write.ContinueWith(_ => _pending.TryRemove(new KeyValuePair<CacheKey, Task>(key, write)), TaskScheduler.Default);
        return new ValueTask(write);
    }

    private async Task StoreAsync(CacheKey key, Task<CacheEntry> pendingEntry)
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

        try
        {
            _entries[key] = (entry.Value.GetBytes().ToArray(), entry);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _refused);
        }
    }

    public ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default) => default;

    public ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default) => new(0L);

    public ValueTask UpdateTagsAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken = default) => default;
}
