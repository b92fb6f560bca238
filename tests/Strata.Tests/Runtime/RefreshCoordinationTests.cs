using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Runtime;

/// <summary>A handler that implements <see cref="ICacheRefreshCoordinator"/> decides which instance refreshes a stale entry.</summary>
public sealed class RefreshCoordinationTests
{
    private sealed record Item(string Id, int Version);

    private static Func<string, Task<Item>> Catalog(Upstream upstream) => Function(async (string id) =>
    {
        await Task.Yield();
        CacheLife(revalidate: 10, expire: 100);
        return new Item(id, upstream.Call());
    });

    [Fact]
    public async Task StaleEntry_IsNotRefreshed_WhenTheHandlerSaysAnotherInstanceDoes()
    {
        var handler = new CoordinatedHandler { Allow = false };
        using var t = new TestRuntime(handlers: [new("default", handler)]);
        handler.Inner = new MemoryCacheHandler(timeProvider: t.Time);
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(20);

        var stale = await get("a");
        await t.Runtime.FlushAsync();

        Assert.Equal(1, stale.Version);
        Assert.Equal(1, upstream.Calls);
        Assert.Equal(1, handler.Asked);
    }

    [Fact]
    public async Task StaleEntry_IsRefreshed_WhenTheHandlerAllowsIt()
    {
        var handler = new CoordinatedHandler { Allow = true };
        using var t = new TestRuntime(handlers: [new("default", handler)]);
        handler.Inner = new MemoryCacheHandler(timeProvider: t.Time);
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(20);

        await get("a");
        await t.Runtime.FlushAsync();
        var refreshed = await get("a");

        Assert.Equal(2, refreshed.Version);
    }

    [Fact]
    public async Task StaleEntry_IsRefreshedHere_WhenAskingTheHandlerFails()
    {
        var handler = new CoordinatedHandler { Throw = true };
        using var t = new TestRuntime(handlers: [new("default", handler)]);
        handler.Inner = new MemoryCacheHandler(timeProvider: t.Time);
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(20);

        await get("a");
        await t.Runtime.FlushAsync();

        Assert.Equal(2, upstream.Calls);
    }

    [Fact]
    public async Task ConcurrentStaleReads_AskTheHandlerOnce()
    {
        var handler = new CoordinatedHandler { Allow = true, Delay = Upstream.ClosedGate() };
        using var t = new TestRuntime(handlers: [new("default", handler)]);
        handler.Inner = new MemoryCacheHandler(timeProvider: t.Time);
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(20);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => get("a")));
        handler.Delay.SetResult();
        await t.Runtime.FlushAsync();

        Assert.Equal(1, handler.Asked);
        Assert.Equal(2, upstream.Calls);
    }

    private sealed class CoordinatedHandler : ICacheHandler, ICacheRefreshCoordinator
    {
        private int _asked;

        /// <summary>Where entries live; set once the test runtime (and its clock) exists.</summary>
        public MemoryCacheHandler Inner { get; set; } = null!;

        public bool Allow { get; init; }

        public bool Throw { get; init; }

        public TaskCompletionSource? Delay { get; init; }

        public int Asked => Volatile.Read(ref _asked);

        public async ValueTask<bool> TryBeginRefreshAsync(CacheKey key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _asked);
            if (Delay is not null)
            {
                await Delay.Task;
            }

            return Throw ? throw new InvalidOperationException("store unreachable") : Allow;
        }

        public ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default) => Inner.GetAsync(key, softTags, cancellationToken);

        public ValueTask SetAsync(CacheKey key, Task<CacheEntry> pendingEntry, CancellationToken cancellationToken = default) => Inner.SetAsync(key, pendingEntry, cancellationToken);

        public ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default) => Inner.RefreshTagsAsync(cancellationToken);

        public ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default) => Inner.GetExpirationAsync(tags, cancellationToken);

        public ValueTask UpdateTagsAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken = default) => Inner.UpdateTagsAsync(tags, durations, cancellationToken);
    }
}
