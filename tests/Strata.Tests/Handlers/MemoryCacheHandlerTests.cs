using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Strata.Tests.Support;

namespace Strata.Tests.Handlers;

public sealed class MemoryCacheHandlerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public async Task OverBudget_TheLeastRecentlyUsedEntryIsEvicted()
    {
        var size = Entries.Make("aaaa", Now).Value.Size + 32;
        var handler = new MemoryCacheHandler(size * 3, _time);
        await handler.SetAsync(Entries.Key(1), Task.FromResult(Entries.Make("aaaa", Now)));
        await handler.SetAsync(Entries.Key(2), Task.FromResult(Entries.Make("bbbb", Now)));
        await handler.SetAsync(Entries.Key(3), Task.FromResult(Entries.Make("cccc", Now)));
        Assert.NotNull(await handler.GetAsync(Entries.Key(1), []));

        await handler.SetAsync(Entries.Key(4), Task.FromResult(Entries.Make("dddd", Now)));

        Assert.NotNull(await handler.GetAsync(Entries.Key(1), []));
        Assert.Null(await handler.GetAsync(Entries.Key(2), []));
        Assert.NotNull(await handler.GetAsync(Entries.Key(3), []));
        Assert.NotNull(await handler.GetAsync(Entries.Key(4), []));
        Assert.Equal(size * 3, handler.Size);
    }

    [Fact]
    public async Task AnItemLargerThanTheBudget_IsNotStored_AndAWarningIsLogged()
    {
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var handler = new MemoryCacheHandler(64, _time, factory.CreateLogger<MemoryCacheHandler>());

        await handler.SetAsync(Entries.Key(1), Task.FromResult(Entries.Make(new string('x', 100), Now)));

        Assert.Null(await handler.GetAsync(Entries.Key(1), []));
        Assert.Equal(0, handler.Size);
        Assert.StartsWith("Single item size exceeds maxSize", Assert.Single(logs.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABudgetOfZero_StoresNothing()
    {
        var handler = new MemoryCacheHandler(0, _time);

        await handler.SetAsync(Entries.Key(1), Task.FromResult(Entries.Make("a", Now)));

        Assert.Null(await handler.GetAsync(Entries.Key(1), []));
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task AGetThatRacesAPendingSet_WaitsForIt()
    {
        var handler = new MemoryCacheHandler(1024 * 1024, _time);
        var pending = new TaskCompletionSource<CacheEntry>();

        var set = handler.SetAsync(Entries.Key(1), pending.Task);
        var get = handler.GetAsync(Entries.Key(1), []).AsTask();
        Assert.False(get.IsCompleted);
        pending.SetResult(Entries.Make("value", Now));
        await set;

        Assert.Equal("value", (await get)!.Read());
    }

    [Fact]
    public async Task AFailedPendingSet_StoresNothing()
    {
        var handler = new MemoryCacheHandler(1024 * 1024, _time);

        await handler.SetAsync(Entries.Key(1), Task.FromException<CacheEntry>(new InvalidOperationException("boom")));

        Assert.Null(await handler.GetAsync(Entries.Key(1), []));
    }

    [Fact]
    public async Task StaleEntries_AreKeptUntilTheyExpire()
    {
        var handler = new MemoryCacheHandler(1024 * 1024, _time);
        await handler.SetAsync(Entries.Key(1), Task.FromResult(Entries.Make("v", Now, revalidate: 10, expire: 100)));

        _time.Advance(TimeSpan.FromSeconds(50));
        var stale = await handler.GetAsync(Entries.Key(1), []);
        _time.Advance(TimeSpan.FromSeconds(51));
        var expired = await handler.GetAsync(Entries.Key(1), []);

        Assert.NotNull(stale);
        Assert.True(stale.IsStale(Now - 51_000));
        Assert.Null(expired);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task UpdateTagsWithoutDurations_ExpiresEntriesMadeAtOrBeforeNow()
    {
        var handler = new MemoryCacheHandler(1024 * 1024, _time);
        await handler.SetAsync(Entries.Key(1), Task.FromResult(Entries.Make("old", Now, tags: "t")));
        _time.Advance(TimeSpan.FromSeconds(1));

        await handler.UpdateTagsAsync(["t"], null);
        _time.Advance(TimeSpan.FromSeconds(1));
        await handler.SetAsync(Entries.Key(2), Task.FromResult(Entries.Make("new", Now, tags: "t")));

        Assert.Null(await handler.GetAsync(Entries.Key(1), []));
        Assert.NotNull(await handler.GetAsync(Entries.Key(2), []));
    }

    [Fact]
    public async Task UpdateTagsWithDurations_MakesEntriesStaleNow_AndExpiresThemLater()
    {
        var handler = new MemoryCacheHandler(1024 * 1024, _time);
        await handler.SetAsync(Entries.Key(1), Task.FromResult(Entries.Make("old", Now, tags: "t")));
        _time.Advance(TimeSpan.FromSeconds(1));

        await handler.UpdateTagsAsync(["t"], new TagDurations(Expire: 60));
        var stale = await handler.GetAsync(Entries.Key(1), []);
        _time.Advance(TimeSpan.FromSeconds(61));
        var expired = await handler.GetAsync(Entries.Key(1), []);

        Assert.Equal(-1, stale!.Revalidate);
        Assert.Null(expired);
    }

    [Fact]
    public async Task GetExpiration_IsTheLatestExpiryOfTheTags_OrZero()
    {
        var handler = new MemoryCacheHandler(1024 * 1024, _time);
        Assert.Equal(0, await handler.GetExpirationAsync(["a", "b"]));

        await handler.UpdateTagsAsync(["a"], null);
        var first = Now;
        _time.Advance(TimeSpan.FromSeconds(5));
        await handler.UpdateTagsAsync(["b"], null);

        Assert.Equal(Now, await handler.GetExpirationAsync(["a", "b"]));
        Assert.Equal(first, await handler.GetExpirationAsync(["a", "c"]));
    }

    [Fact]
    public async Task EvictionAndRemoval_GiveTheBytesBack()
    {
        var handler = new MemoryCacheHandler(1024 * 1024, _time);
        await handler.SetAsync(Entries.Key(1), Task.FromResult(Entries.Make("value", Now, expire: 10)));
        Assert.True(handler.Size > 0);

        _time.Advance(TimeSpan.FromSeconds(11));
        await handler.GetAsync(Entries.Key(1), []);

        Assert.Equal(0, handler.Size);
    }

    [Fact]
    public async Task ManyEntriesOverBudget_StayWithinTheBudget()
    {
        var handler = new MemoryCacheHandler(10_000, _time);
        for (var i = 0; i < 2_000; i++)
        {
            await handler.SetAsync(Entries.Key(i), Task.FromResult(Entries.Make("value-" + i, Now)));
            if (i % 3 == 0)
            {
                await handler.GetAsync(Entries.Key(i / 2), []);
            }
        }

        Assert.InRange(handler.Size, 1, 10_000);
        Assert.NotNull(await handler.GetAsync(Entries.Key(1_999), []));
    }
}
