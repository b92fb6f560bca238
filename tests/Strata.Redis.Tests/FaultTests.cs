using System.Diagnostics;
using StackExchange.Redis;
using Strata.Redis.Tests.Support;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Redis.Tests;

/// <summary>
/// Network faults between the instances and a real redis-server, injected by a <see cref="FaultProxy"/> the tests own (one
/// per instance, so that instances can lose Redis separately): slow replies, short spikes, black holes. Health is decided
/// from Redis's own answers, a read costs one round trip, a recovery keeps what is still true, and what an instance may
/// serve during an outage is bounded.
/// </summary>
public sealed class FaultTests
{
    private const string Unavailable = "Redis is unavailable for the \"remote\" cache handler";
    private const string Recovered = "Redis is available again for the \"remote\" cache handler";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(RedisDefaults.OperationTimeoutMilliseconds);

    public sealed record Product(string Id, int Version);

    private static Func<string, Task<Product>> Products(Cluster cluster, Upstream upstream, string kind = "remote")
    {
        using (cluster.A.Runtime.Use())
        {
            return Function(async (string id) =>
            {
                var version = await upstream.CallAsync();
                CacheLife(revalidate: 60, expire: 3600);
                CacheTag("products");
                return new Product(id, version);
            }, kind);
        }
    }

    private static Task UpdateProductsAsync(App app) =>
        app.InRequestAsync(async () => { await UpdateTag("products"); return 0; }, CacheRequestPhase.Action);

    private static int Outages(App app) => app.Logs.Warnings(nameof(RedisCacheHandler)).Count(w => w.StartsWith(Unavailable, StringComparison.Ordinal));

    private static int Recoveries(App app) => app.Logs.Information(nameof(RedisCacheHandler)).Count(m => m.StartsWith(Recovered, StringComparison.Ordinal));

    /// <summary>Sends requests until the instance has noticed the outage (requests are what reveal a silent Redis).</summary>
    private static async Task DriveUntilUnavailableAsync(App app, Func<string, Task<Product>> get)
    {
        var watch = Stopwatch.StartNew();
        while (app.Remote.IsAvailable)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"{app} did not notice the outage within 20 s.");
            }

            await app.InRequestAsync(() => get("p1"));
        }
    }

    private static async Task<TimeSpan> FastestRequestAsync(App app, Func<Task> request, int times = 3)
    {
        var fastest = TimeSpan.MaxValue;
        for (var i = 0; i < times; i++)
        {
            var watch = Stopwatch.StartNew();
            await request();
            fastest = watch.Elapsed < fastest ? watch.Elapsed : fastest;
        }

        return fastest;
    }

    [Fact]
    public async Task SlowRedis_IsOneOutageWithOneWarning_AndTheLocalTierServesThroughout()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = FaultProxy.To(redis.Port);
        await using var cluster = await Cluster.StartAsync([proxy.Configuration], localTier: true, configure: o => o.OperationTimeout = DefaultTimeout);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        var callsBefore = upstream.Calls;

        // Every reply 750 ms past the operation timeout, for 4 s. A reply that is in by the time the timeout is noticed
        // counts as an answer (a saturated instance's timers run late), so the margin must exceed how late a timer can run
        // while the whole suite loads both cores: at 150 ms past, three probes once counted as answered in CI.
        proxy.ReplyDelay = DefaultTimeout + TimeSpan.FromMilliseconds(750);
        var slow = Stopwatch.StartNew();
        while (slow.Elapsed < TimeSpan.FromSeconds(4))
        {
            await cluster.A.InRequestAsync(() => get("p1"));
        }

        var outages = Outages(cluster.A);
        var recoveriesWhileSlow = Recoveries(cluster.A);
        proxy.ReplyDelay = TimeSpan.Zero;
        await Eventually.TrueAsync(() => cluster.A.Remote.IsAvailable && Recoveries(cluster.A) > 0, "A to reach Redis again and log it"); // the line is written just after the state changes

        Assert.Equal(1, outages);
        Assert.Equal(0, recoveriesWhileSlow);
        Assert.Equal(1, Recoveries(cluster.A));
        Assert.Equal(callsBefore, upstream.Calls);
    }

    [Fact]
    public async Task ReplySpike_ShorterThanASecond_IsNotAnOutage()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = FaultProxy.To(redis.Port);
        await using var cluster = await Cluster.StartAsync([proxy.Configuration], localTier: true, configure: o => o.OperationTimeout = DefaultTimeout);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));

        proxy.ReplyDelay = TimeSpan.FromMilliseconds(400); // a 300 ms spike (a GC pause, a saturated app, a network blip)
        var spike = Stopwatch.StartNew();
        var requests = new List<Task>();
        while (spike.Elapsed < TimeSpan.FromMilliseconds(300))
        {
            requests.Add(cluster.A.InRequestAsync(() => get("p1")));
            await Task.Delay(20);
        }

        proxy.ReplyDelay = TimeSpan.Zero;
        await Task.WhenAll(requests);
        for (var i = 0; i < 5; i++)
        {
            await cluster.A.InRequestAsync(() => get("p1"));
        }

        Assert.True(cluster.A.Remote.IsAvailable);
        Assert.Equal(0, Outages(cluster.A));
    }

    [Fact]
    public async Task SaturatedApp_WithHealthyRedis_IsNotAnOutage()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 1, localTier: true, configure: o => o.OperationTimeout = DefaultTimeout);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var spinners = Enumerable.Range(0, Environment.ProcessorCount * 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Thread.SpinWait(10_000); // CPU-bound work on the thread pool, as an instance under more load than it has cores for
            }
        })).ToArray();
        var requests = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            requests.Add(cluster.A.InRequestAsync(() => get("p1")));
            await Task.Delay(5);
        }

        await Task.WhenAll(spinners);
        await Task.WhenAll(requests);

        Assert.Equal(0, Outages(cluster.A));
    }

    [Fact]
    public async Task NearThresholdRedis_ReadCostsOneRoundTrip_NotTwo()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = FaultProxy.To(redis.Port);
        await using var cluster = await Cluster.StartAsync([proxy.Configuration], localTier: false, configure: o => o.OperationTimeout = TimeSpan.FromSeconds(5));
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();

        proxy.ReplyDelay = TimeSpan.FromMilliseconds(300);
        var fastest = await FastestRequestAsync(cluster.A, () => cluster.A.InRequestAsync(() => get("p1")));

        Assert.True(fastest < TimeSpan.FromMilliseconds(500), $"A request took {fastest.TotalMilliseconds:0} ms with replies delayed by 300 ms: more than one round trip.");
        Assert.Equal(1, upstream.Calls);
    }

    [Fact]
    public async Task NearThresholdRedis_LocalTierAnswersOnceTheLatencyBudgetIsSpent()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = FaultProxy.To(redis.Port);
        await using var cluster = await Cluster.StartAsync([proxy.Configuration], localTier: true, configure: o => o.OperationTimeout = TimeSpan.FromSeconds(5));
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();

        proxy.ReplyDelay = TimeSpan.FromMilliseconds(400);
        var fastest = await FastestRequestAsync(cluster.A, () => cluster.A.InRequestAsync(() => get("p1")));

        Assert.True(fastest < TimeSpan.FromMilliseconds(300), $"A request took {fastest.TotalMilliseconds:0} ms with replies delayed by 400 ms: the local tier did not answer.");
        Assert.Equal(1, upstream.Calls);
        Assert.Equal(0, Outages(cluster.A));
    }

    [Fact]
    public async Task Recovery_KeepsTheLocalTier_WhenRedisKeptItsData()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = FaultProxy.To(redis.Port);
        await using var cluster = await Cluster.StartAsync([proxy.Configuration], localTier: true, configure: o => o.OperationTimeout = DefaultTimeout);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();

        proxy.BlackHole = true;
        await DriveUntilUnavailableAsync(cluster.A, get);
        proxy.BlackHole = false;
        await Eventually.TrueAsync(() => cluster.A.Remote.IsAvailable, "A to reach Redis again");
        await using (var direct = await ConnectionMultiplexer.ConnectAsync(redis.Configuration))
        {
            var server = direct.GetServer(direct.GetEndPoints()[0]);
            await foreach (var key in server.KeysAsync(pattern: "*:e"))
            {
                await direct.GetDatabase().KeyDeleteAsync(key); // only the local tier holds p1 now
            }
        }

        var afterRecovery = await cluster.A.InRequestAsync(() => get("p1"));

        Assert.Equal(1, afterRecovery.Version);
        Assert.Equal(1, upstream.Calls);
    }

    [Fact]
    public async Task InvalidationOnAnotherInstanceDuringAnOutage_IsServedNoLongerThanTheStalenessBound()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxyA = FaultProxy.To(redis.Port);
        await using var proxyB = FaultProxy.To(redis.Port);
        await using var cluster = await Cluster.StartAsync([proxyA.Configuration, proxyB.Configuration], localTier: true, configure: o => o.OperationTimeout = DefaultTimeout);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        await cluster.B.InRequestAsync(() => get("p1"));

        proxyA.BlackHole = proxyB.BlackHole = true;
        await DriveUntilUnavailableAsync(cluster.A, get);
        await DriveUntilUnavailableAsync(cluster.B, get);
        await UpdateProductsAsync(cluster.A);
        var onAAfterItsUpdate = await cluster.A.InRequestAsync(() => get("p1"));
        var onBWithinTheBound = await cluster.B.InRequestAsync(() => get("p1"));
        cluster.Advance(RedisDefaults.MaxStalenessDuringOutageSeconds + 0.001);
        var onBPastTheBound = await cluster.B.InRequestAsync(() => get("p1"));

        Assert.NotEqual(1, onAAfterItsUpdate.Version);
        Assert.Equal(1, onBWithinTheBound.Version);
        Assert.NotEqual(1, onBPastTheBound.Version);
    }

    [Fact]
    public async Task QueuedInvalidation_ReachesOtherInstances_OnceItsInstanceReconnects()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxyA = FaultProxy.To(redis.Port);
        await using var cluster = await Cluster.StartAsync([proxyA.Configuration, redis.Configuration], localTier: true, configure: o => o.OperationTimeout = DefaultTimeout);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        await cluster.B.InRequestAsync(() => get("p1"));

        proxyA.BlackHole = true;
        await DriveUntilUnavailableAsync(cluster.A, get);
        await UpdateProductsAsync(cluster.A); // queued on A: B, connected to Redis, cannot know it yet
        var onBBeforeAReconnects = await cluster.B.InRequestAsync(() => get("p1"));
        proxyA.BlackHole = false;
        await Eventually.TrueAsync(() => cluster.A.Remote.IsAvailable && Recoveries(cluster.A) > 0, "A to reach Redis again and log it"); // the line is written just after the state changes
        cluster.Advance(0.001);
        var onBAfterAReconnected = await cluster.B.InRequestAsync(() => get("p1"));

        Assert.Equal(1, onBBeforeAReconnects.Version);
        Assert.NotEqual(1, onBAfterAReconnected.Version);
        Assert.Contains(cluster.A.Logs.Information(nameof(RedisCacheHandler)), m => m.StartsWith(Recovered, StringComparison.Ordinal) && m.Contains("1 tag invalidation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StrictTagUpdates_UpdateTagDuringAnOutage_FailsTheAction_AndIsNotAppliedHere()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = FaultProxy.To(redis.Port);
        await using var cluster = await Cluster.StartAsync([proxy.Configuration], localTier: true, configure: o =>
        {
            o.OperationTimeout = DefaultTimeout;
            o.TagUpdatesDuringOutage = TagUpdatesDuringOutage.Fail;
        });
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();

        proxy.BlackHole = true;
        await DriveUntilUnavailableAsync(cluster.A, get);
        var error = await Record.ExceptionAsync(() => UpdateProductsAsync(cluster.A));
        var afterTheFailedAction = await cluster.A.InRequestAsync(() => get("p1"));

        // One failure per Redis kind: "remote" is in an outage (nothing was sent); "catalog" saw no traffic, so its write was
        // sent and timed out (Redis may still record it: the message says so).
        var failures = Assert.IsType<AggregateException>(error).InnerExceptions;
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Contains("TagUpdatesDuringOutage is Fail", Assert.IsType<RedisUnavailableException>(f).Message, StringComparison.Ordinal));
        Assert.Equal(1, afterTheFailedAction.Version);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpdateTagOnOneInstance_ReachesTheInMemoryKindsOfEveryInstance_UnlessTheBackplaneIsOff(bool backplane)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 2, configure: o => o.TagBackplane = backplane);
        var upstream = new Upstream();
        var inMemory = Products(cluster, upstream, kind: "default");
        var onBBefore = await cluster.B.InRequestAsync(() => inMemory("p1"));
        var onABefore = await cluster.A.InRequestAsync(() => inMemory("p1"));
        var reachedB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.B.Remote.TagMessageApplied += tag => { if (tag == "products") reachedB.TrySetResult(); };

        await UpdateProductsAsync(cluster.A);
        await reachedB.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the Redis kind learnt it on B: the message has arrived
        var onBAfter = await cluster.B.InRequestAsync(() => inMemory("p1"));
        var onAAfter = await cluster.A.InRequestAsync(() => inMemory("p1"));

        Assert.NotEqual(onABefore, onAAfter);
        Assert.Equal(backplane, onBAfter != onBBefore);
    }
}
