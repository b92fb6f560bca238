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

    [Fact]
    public async Task PermissionGiven_WhileARunOfTheKeyStartedHere_IsHandedBack()
    {
        // The refresh is not needed (the run will store the key), but the handler's permission (the Redis handler's
        // refresh lease) must end, or it holds off every refresh of the key until it lapses.
        var handler = new CoordinatedHandler { Allow = true, Delay = Upstream.ClosedGate() };
        using var t = new TestRuntime(handlers: [new("default", handler)]);
        handler.Inner = new MemoryCacheHandler(timeProvider: t.Time);
        var upstream = new Upstream();
        var get = Function(async (string id) =>
        {
            CacheLife(revalidate: 10, expire: 100);
            return new Item(id, await upstream.CallAsync());
        });
        await get("a");
        t.Advance(20);

        var stale = await get("a");           // asks the handler; the answer is held back
        handler.Missing = true;               // the entry is gone (evicted): the next read runs the function ...
        upstream.Gate = Upstream.ClosedGate(); // ... and that run holds the key's in-flight slot
        var run = get("a");
        handler.Delay!.SetResult();            // the handler allows a refresh that can no longer start
        await Eventually(() => handler.HandedBack == 1);
        upstream.Gate.SetResult();
        var fresh = await run;
        await t.Runtime.FlushAsync();

        Assert.Equal(1, stale.Version);
        Assert.Equal(2, fresh.Version);
        Assert.Equal(2, upstream.Calls);      // the run, not a refresh besides it
        Assert.Equal(1, handler.HandedBack);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(10);
        }
    }

    private sealed class CoordinatedHandler : ICacheHandler, ICacheRefreshCoordinator
    {
        private int _asked;
        private int _handedBack;

        /// <summary>Where entries live; set once the test runtime (and its clock) exists.</summary>
        public MemoryCacheHandler Inner { get; set; } = null!;

        public bool Allow { get; init; }

        public bool Throw { get; init; }

        public TaskCompletionSource? Delay { get; init; }

        public int Asked => Volatile.Read(ref _asked);

        /// <summary>Writes that came with no entry at all (a canceled task): what ends a permission nothing came of.</summary>
        public int HandedBack => Volatile.Read(ref _handedBack);

        /// <summary>When set, reads find nothing.</summary>
        public bool Missing { get; set; }

        public async ValueTask<bool> TryBeginRefreshAsync(CacheKey key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _asked);
            if (Delay is not null)
            {
                await Delay.Task;
            }

            return Throw ? throw new InvalidOperationException("store unreachable") : Allow;
        }

        public ValueTask<CacheEntry?> GetAsync(CacheKey key, IReadOnlyList<string> softTags, CancellationToken cancellationToken = default) =>
            Missing ? new((CacheEntry?)null) : Inner.GetAsync(key, softTags, cancellationToken);

        public ValueTask SetAsync(CacheKey key, Task<CacheEntry> pendingEntry, CancellationToken cancellationToken = default)
        {
            if (pendingEntry.IsCanceled)
            {
                Interlocked.Increment(ref _handedBack);
            }

            return Inner.SetAsync(key, pendingEntry, cancellationToken);
        }

        public ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default) => Inner.RefreshTagsAsync(cancellationToken);

        public ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default) => Inner.GetExpirationAsync(tags, cancellationToken);

        public ValueTask UpdateTagsAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken = default) => Inner.UpdateTagsAsync(tags, durations, cancellationToken);
    }
}
