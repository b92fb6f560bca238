using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Scopes;

public sealed class ReadingTests
{
    private sealed record Item(string Id, int Version);

    [Fact]
    public async Task AFreshEntry_IsAHit()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id) => { await Task.Yield(); return new Item(id, calls.Next()); });

        var first = await get("a");
        t.Advance(899);
        var again = await get("a");
        var other = await get("b");

        Assert.Same(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task AStaleEntry_IsServedAtOnce_AndRefreshedOnceInTheBackground()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var release = new Gate();
        var get = Function(async (string id) =>
        {
            var n = calls.Next();
            if (n > 1)
            {
                await release.WaitAsync();
            }

            CacheLife("minutes");
            return new Item(id, n);
        });
        var first = await get("a");
        t.Advance(61);

        var stale = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => get("a")));
        release.Open();
        await t.Runtime.FlushAsync();
        var refreshed = await get("a");

        Assert.All(stale, s => Assert.Same(first, s));
        Assert.Equal(2, refreshed.Version);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task AnExpiredEntry_IsAMiss_AndTheReadWaitsForTheNewValue()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id) =>
        {
            await Task.Yield();
            CacheLife("seconds");
            return new Item(id, calls.Next());
        });
        await get("a");
        t.Advance(61);

        var next = await get("a");

        Assert.Equal(2, next.Version);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ExceptionsAreNeverCached_AndReachEveryWaitingCaller()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var gate = new Gate();
        var get = Function(async (string id) =>
        {
            var n = calls.Next();
            await gate.WaitAsync();
            if (n == 1)
            {
                throw new InvalidOperationException("upstream down");
            }

            return n;
        });

        var waiting = Enumerable.Range(0, 10).Select(_ => get("a")).ToArray();
        gate.Open();
        foreach (var call in waiting)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            Assert.Equal("upstream down", error.Message);
        }

        Assert.Equal(2, await get("a"));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ARunCancelledByTheCallerWhoStartedIt_DoesNotFailTheCallersWhoJoinedIt()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var gate = new Gate();
        var get = Function(async (string id, CancellationToken token) =>
        {
            calls.Next();
            await gate.WaitAsync().WaitAsync(token);
            return id;
        });
        using var source = new CancellationTokenSource();

        var cancelled = get("a", source.Token);
        var joined = get("a", CancellationToken.None);
        await source.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Open();

        Assert.Equal("a", await joined);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task AFailedBackgroundRefresh_KeepsServingTheStaleValue_AndLogsAWarning()
    {
        using var t = new TestRuntime(o => o.FailSafeRetryInterval = TimeSpan.Zero); // retry on the next read (see FailSafeTests for the throttle)
        var calls = new Counter();
        var get = Function(async (string id) =>
        {
            await Task.Yield();
            CacheLife("minutes");
            return calls.Next() == 1 ? new Item(id, 1) : throw new InvalidOperationException("upstream down");
        });
        var first = await get("a");
        t.Advance(61);

        Assert.Same(first, await get("a"));
        await t.Runtime.FlushAsync();
        Assert.Same(first, await get("a"));
        await t.Runtime.FlushAsync();

        Assert.Contains(t.Logs.Warnings, w => w.Contains("Refreshing the stale entry", StringComparison.Ordinal));
        Assert.Equal(3, calls.Count);
    }

    [Fact]
    public async Task AThousandConcurrentCallersOnAColdKey_RunTheFunctionOnce()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var gate = new Gate();
        var get = Function(async (string id) =>
        {
            calls.Next();
            await gate.WaitAsync();
            return new Item(id, 1);
        });

        var callers = Enumerable.Range(0, 1000).Select(_ => Task.Run(() => get("cold"))).ToArray();
        while (calls.Count == 0)
        {
            await Task.Yield();
        }

        gate.Open();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, calls.Count);
        Assert.All(results, r => Assert.Equal(new Item("cold", 1), r));
    }

    [Fact]
    public async Task TheRemoteKind_UsesTheDefaultHandler_WhenNoneIsRegistered()
    {
        using var t = new TestRuntime();
        var get = Function(async (string id) => { await Task.Yield(); return id; }, "remote");

        await get("a");

        Assert.Same(t.Runtime.GetHandler("default"), t.Runtime.GetHandler("remote"));
        await t.Runtime.FlushAsync();
        Assert.Equal(1, t.Memory.Count);
    }

    [Fact]
    public async Task ACustomKind_UsesItsRegisteredHandler()
    {
        var time = TestRuntime.NewClock();
        var catalog = new MemoryCacheHandler(timeProvider: time);
        using var t = new TestRuntime(handlers: [new("catalog", catalog)], time: time);
        var calls = new Counter();
        var get = Function(async (string id) => { await Task.Yield(); return calls.Next(); }, "catalog");

        Assert.Equal(await get("a"), await get("a"));
        Assert.Equal(1, catalog.Count);
        Assert.Equal(0, t.Memory.Count);
    }

    [Fact]
    public void AKindWithoutAHandler_IsAnError_ThatSaysHowToRegisterOne()
    {
        using var t = new TestRuntime();

        var error = Assert.Throws<InvalidOperationException>(() => Function(async (string id) => { await Task.Yield(); return id; }, "unregistered-kind"));

        Assert.Equal(
            "Unknown cache kind \"unregistered-kind\". Please configure a cache handler for this kind: builder.Services.AddStrata().AddCacheHandler(\"unregistered-kind\", new MyCacheHandler()), or AddRedisCacheHandler(\"unregistered-kind\", ...) from Strata.Redis.",
            error.Message);
    }

    [Fact]
    public void APrivateHandler_CannotBeRegistered()
    {
        var error = Assert.Throws<ArgumentException>(() => new CacheRuntime(handlers: [new("private", new MemoryCacheHandler())]));

        Assert.StartsWith("The cache handler for [UseCache(\"private\")] cannot be customized.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidKindName_IsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => new CacheRuntime(handlers: [new("My_Kind", new MemoryCacheHandler())]));

        Assert.StartsWith("Invalid handler fields configured for \"CacheHandlers\":\nMy_Kind: key must only use characters a-z and -", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DraftMode_NeitherReadsNorWritesTheCache()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var calls = new Counter();
        var get = Function(async () => { await Task.Yield(); return calls.Next(); });
        var cached = await get();
        recorder.Clear();

        using (t.Runtime.BeginRequest(new RequestData(draftMode: true)))
        {
            Assert.NotEqual(cached, await get());
        }

        Assert.Empty(recorder.Calls);
        Assert.Equal(cached, await get());
    }

    [Fact]
    public async Task WithinARequest_TheSameCallReturnsTheSameInstance_EvenForMutableValues()
    {
        using var t = new TestRuntime();
        var get = Function(async (string id) => { await Task.Yield(); return new List<string> { id }; });
        await get("a");

        using (t.Runtime.BeginRequest())
        {
            Assert.Same(await get("a"), await get("a"));
        }

        Assert.NotSame(await get("a"), await get("a"));
    }

    [Fact]
    public async Task ARequest_CollectsTheShortestLifetimesAndTheTagsOfTheCachesItRead()
    {
        using var t = new TestRuntime();
        var a = Function(async () => { await Task.Yield(); CacheLife(stale: 60, revalidate: 100, expire: 1000); CacheTag("a"); return 1; });
        var b = Function(async () => { await Task.Yield(); CacheLife(stale: 120, revalidate: 50, expire: 2000); CacheTag("b"); return 2; });

        using var request = t.Runtime.BeginRequest();
        await a();
        await b();

        Assert.True(request.UsedCache);
        Assert.Equal((60d, 50d, 1000d), (request.Stale, request.Revalidate, request.Expire));
        Assert.Equal(["a", "b"], request.Tags.Order());
    }
}
