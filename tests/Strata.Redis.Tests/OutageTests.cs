using Strata.Redis.Tests.Support;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Redis.Tests;

/// <summary>
/// Redis trouble: each test runs its own redis-server and kills, freezes or restarts it. Requests keep succeeding, each
/// handler warns once per outage and recovers by itself, and nothing invalidated is served after recovery.
/// </summary>
public sealed class OutageTests
{
    private const string Unavailable = "Redis is unavailable for the \"remote\" cache handler";
    private const string Recovered = "Redis is available again for the \"remote\" cache handler";

    public sealed record Product(string Id, int Version);

    private static Func<string, Task<Product>> Products(Cluster cluster, Upstream upstream)
    {
        using (cluster.A.Runtime.Use())
        {
            return Function(async (string id) =>
            {
                var version = await upstream.CallAsync();
                CacheLife(revalidate: 60, expire: 3600);
                CacheTag("products");
                return new Product(id, version);
            }, "remote");
        }
    }

    private static Task AllAvailableAsync(Cluster cluster) =>
        Eventually.TrueAsync(() => cluster.Apps.All(a => a.Remote.IsAvailable), "every instance to reach Redis again");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RedisStoppedMidRun_RequestsKeepSucceeding_AndEachInstanceWarnsOnce(bool localTier)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, localTier: localTier);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        for (var i = 0; i < 9; i++)
        {
            await cluster.Apps[i % 3].InRequestAsync(() => get("p" + (i % 3)));
        }

        await redis.KillAsync();
        var results = new List<Product>();
        for (var i = 0; i < 30; i++)
        {
            results.Add(await cluster.Apps[i % 3].InRequestAsync(() => get("p" + (i % 3))));
        }

        Assert.Equal(30, results.Count);
        Assert.All(cluster.Apps, app => Assert.Single(app.Logs.Warnings(nameof(RedisCacheHandler)), w => w.StartsWith(Unavailable, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RedisStartedAgain_EntriesAreSharedAgain_WithoutRestartingTheApplication()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 2);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await redis.KillAsync();
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.B.InRequestAsync(() => get("p1"));

        await redis.StartAgainAsync();
        await AllAvailableAsync(cluster);
        var callsBefore = upstream.Calls;
        var onA = await cluster.A.InRequestAsync(() => get("p2"));
        await cluster.A.Runtime.FlushAsync();
        var onB = await cluster.B.InRequestAsync(() => get("p2"));

        Assert.Equal(onA, onB);
        Assert.Equal(callsBefore + 1, upstream.Calls);
    }

    [Fact]
    public async Task Recovery_IsLoggedOnce_PerInstance()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 2);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await redis.KillAsync();
        await cluster.A.InRequestAsync(() => get("p1"));

        await redis.StartAgainAsync();
        await AllAvailableAsync(cluster);

        Assert.All(cluster.Apps, app => Assert.Single(app.Logs.Information(nameof(RedisCacheHandler)), m => m.StartsWith(Recovered, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RecentOutages_RecordEachOutage_WithItsCause_AndItsEndOnceRecovered()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 1);
        var get = Products(cluster, new Upstream());
        ICacheHandlerHealth health = cluster.A.Remote;
        Assert.Empty(health.RecentOutages);

        await redis.KillAsync();
        await cluster.A.InRequestAsync(() => get("p1"));
        await Eventually.TrueAsync(() => !health.IsAvailable, "A to notice the outage");
        var during = Assert.Single(health.RecentOutages);
        await redis.StartAgainAsync();
        await AllAvailableAsync(cluster);

        var after = Assert.Single(health.RecentOutages);
        Assert.Null(during.End);
        Assert.False(string.IsNullOrEmpty(during.Reason));
        Assert.Equal(during.Start, after.Start);
        Assert.NotNull(after.End);
        Assert.True(after.End >= after.Start);
    }

    [Fact]
    public async Task SlowRedis_IsTreatedAsUnavailable_AndRecoversByItself()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 1, configure: o => o.OperationTimeout = TimeSpan.FromSeconds(1));
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));

        await redis.PauseAsync();
        for (var i = 0; i < 5; i++)
        {
            await cluster.A.InRequestAsync(() => get("p1"));
        }

        var warnings = cluster.A.Logs.Warnings(nameof(RedisCacheHandler)).Count(w => w.StartsWith(Unavailable, StringComparison.Ordinal));
        await redis.ResumeAsync();
        await AllAvailableAsync(cluster);

        Assert.Equal(1, warnings);
    }

    [Fact]
    public async Task UpdateTagDuringAnOutage_IsNotLost_AndOtherInstancesStopServingTheOldValue()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 2, localTier: true, configure: o => o.OperationTimeout = TimeSpan.FromSeconds(1));
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        await cluster.B.InRequestAsync(() => get("p1")); // B's local tier holds version 1 now

        await redis.PauseAsync(); // Redis keeps its data; only A notices the outage
        await cluster.A.InRequestAsync(async () => { await UpdateTag("products"); return 0; }, CacheRequestPhase.Action);
        await redis.ResumeAsync();
        await Eventually.TrueAsync(() => cluster.A.Remote.IsAvailable, "A to reach Redis again");
        cluster.Advance(0.001);
        var onB = await cluster.B.InRequestAsync(() => get("p1"));

        Assert.Equal(2, onB.Version);
    }

    [Fact]
    public async Task LocalTier_IsNotServedAfterRecovery_WhenRedisLostItsData()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 2, localTier: true);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        await cluster.B.InRequestAsync(() => get("p1"));
        await cluster.A.InRequestAsync(async () => { await UpdateTag("products"); return 0; }, CacheRequestPhase.Action);

        await redis.KillAsync(); // the record of that UpdateTag dies with Redis's data
        await redis.StartAgainAsync();
        await cluster.B.InRequestAsync(() => get("p1")); // B notices the outage here (or through the connection events)
        await AllAvailableAsync(cluster);
        cluster.Advance(0.001);
        var onB = await cluster.B.InRequestAsync(() => get("p1"));

        Assert.NotEqual(1, onB.Version);
    }

    [Fact]
    public async Task RedisDownAtStartup_RequestsSucceed_AndRedisIsUsedOnceItStarts()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.KillAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 2, configure: o => o.ConnectTimeout = TimeSpan.FromSeconds(1));
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        var whileDown = await cluster.A.InRequestAsync(() => get("p1"));

        await redis.StartAgainAsync();
        await AllAvailableAsync(cluster);
        var onA = await cluster.A.InRequestAsync(() => get("p2"));
        await cluster.A.Runtime.FlushAsync();
        var onB = await cluster.B.InRequestAsync(() => get("p2"));

        Assert.Equal(1, whileDown.Version);
        Assert.Equal(onA, onB);
    }

    [Fact]
    public async Task FunctionThrowingDuringRefresh_StaleValueIsServedOnEveryInstance_WhileFailSafeAllows()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(redis.Configuration, instances: 2, strata: o => o.FailSafeWindow = TimeSpan.FromSeconds(60));
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        upstream.Failing = true;

        cluster.Advance(100); // stale: refreshes fail, the stale value is served
        var staleOnA = await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        var staleOnB = await cluster.B.InRequestAsync(() => get("p1"));
        cluster.Advance(3530); // 30 s past expire: within the fail-safe window
        var failSafeOnB = await cluster.B.InRequestAsync(() => get("p1"));
        cluster.Advance(40); // 70 s past expire: beyond it
        var error = await Record.ExceptionAsync(() => cluster.A.InRequestAsync(() => get("p1")));

        Assert.Equal(1, staleOnA.Version);
        Assert.Equal(1, staleOnB.Version);
        Assert.Equal(1, failSafeOnB.Version);
        Assert.IsType<UpstreamException>(error);
    }
}
