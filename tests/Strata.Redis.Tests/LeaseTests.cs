using System.Text;
using Strata.Redis.Tests.Support;

namespace Strata.Redis.Tests;

/// <summary>Distributed stampede protection at the handler level: two handlers (two instances) sharing one Redis.</summary>
public sealed class LeaseTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _prefix = "lease-" + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly List<RedisCacheHandler> _handlers = [];

    private static CacheKey Key => new(42, "k");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var handler in _handlers)
        {
            await handler.DisposeAsync();
        }
    }

    private async Task<RedisCacheHandler> InstanceAsync(TimeSpan? leaseWait = null)
    {
        var handler = new RedisCacheHandler(new RedisCacheHandlerOptions
        {
            Configuration = redis.Configuration,
            KeyPrefix = _prefix,
            LeaseWaitTimeout = leaseWait ?? TimeSpan.FromSeconds(30),
            OperationTimeout = TestTimeouts.Operation,
        });
        _handlers.Add(handler);
        await handler.ConnectAsync();
        return handler;
    }

    private static CacheEntry Entry(string value, double revalidate = 900, double ageSeconds = 0) =>
        new(CacheValue.FromBytes(Encoding.UTF8.GetBytes($"\"{value}\""), new JsonCacheSerializer()), [], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)(ageSeconds * 1000), 300, revalidate, 3600);

    [Fact]
    public async Task FirstMiss_TakesTheLease_AndReturnsNothing()
    {
        var a = await InstanceAsync();

        Assert.Null(await a.GetAsync(Key, []));
    }

    [Fact]
    public async Task MissOnAnotherInstance_WaitsForTheValueToLand()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();
        await a.GetAsync(Key, []);

        var waiting = b.GetAsync(Key, []).AsTask();
        Assert.False(waiting.IsCompleted);
        await a.SetAsync(Key, Task.FromResult(Entry("filled by A")));

        var landed = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("filled by A", landed!.Value.Read<string>());
    }

    [Fact]
    public async Task MissOnTheSameInstance_WhileItsOwnFillRuns_WaitsForThatFill()
    {
        var a = await InstanceAsync();
        await a.GetAsync(Key, []); // this caller fills it

        var second = a.GetAsync(Key, []).AsTask();
        Assert.False(second.IsCompleted);
        await a.SetAsync(Key, Task.FromResult(Entry("filled here")));

        Assert.Equal("filled here", (await second.WaitAsync(TimeSpan.FromSeconds(20)))!.Value.Read<string>());
    }

    [Fact]
    public async Task FailedFill_LetsAWaitingInstanceRunTheFunction()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();
        await a.GetAsync(Key, []);
        var waiting = b.GetAsync(Key, []).AsTask();

        await a.SetAsync(Key, Task.FromException<CacheEntry>(new InvalidOperationException("the function failed")));

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Null(await a.GetAsync(new CacheKey(43), [])); // A can still take other leases
    }

    [Fact]
    public async Task WaitingInstance_RunsTheFunctionItself_AfterLeaseWaitTimeout()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync(leaseWait: TimeSpan.FromMilliseconds(300));
        await a.GetAsync(Key, []); // A takes the lease and never stores: it died while filling

        var waiting = b.GetAsync(Key, []).AsTask();
        Assert.False(waiting.IsCompleted);

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task StaleEntry_IsRefreshedByOneInstanceOnly()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();

        var first = await a.TryBeginRefreshAsync(Key);
        var second = await b.TryBeginRefreshAsync(Key);

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task StoringTheRefreshedValue_EndsTheRefreshLease()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();
        await a.TryBeginRefreshAsync(Key);

        await a.SetAsync(Key, Task.FromResult(Entry("refreshed but stale again", revalidate: 1, ageSeconds: 2)));

        Assert.True(await b.TryBeginRefreshAsync(Key));
    }

    [Fact]
    public async Task RefreshLease_IsRefused_WhenAnotherInstanceAlreadyRefreshedTheEntry()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();

        await a.SetAsync(Key, Task.FromResult(Entry("fresh")));

        Assert.False(await b.TryBeginRefreshAsync(Key));
    }
}
