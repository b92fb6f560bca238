using Strata.Redis.Tests.Support;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Redis.Tests;

/// <summary>
/// Three application instances (generic hosts with <c>AddStrata().AddRedisCacheHandler(...)</c>) sharing one real Redis:
/// entries and tag invalidations are shared, with and without the local in-memory tier.
/// </summary>
public sealed class ClusterTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    public sealed record Product(string Id, int Version);

    private static Func<string, Task<Product>> Products(Cluster cluster, Upstream upstream, string kind = "remote")
    {
        using (cluster.A.Runtime.Use())
        {
            return Function(async (string id) =>
            {
                var version = await upstream.CallAsync();
                CacheLife(revalidate: 60, expire: 3600);
                CacheTag("products", "product:" + id);
                return new Product(id, version);
            }, kind);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EntryFilledOnA_IsAHitOnBAndC(bool localTier)
    {
        await using var cluster = await Cluster.StartAsync(redis.Configuration, localTier: localTier);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);

        var onA = await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        var onB = await cluster.B.InRequestAsync(() => get("p1"));
        var onC = await cluster.C.InRequestAsync(() => get("p1"));

        Assert.Equal(1, upstream.Calls);
        Assert.Equal(onA, onB);
        Assert.Equal(onA, onC);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpdateTagOnB_MakesAAndCMissOnTheirNextRead(bool localTier)
    {
        await using var cluster = await Cluster.StartAsync(redis.Configuration, localTier: localTier);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        await cluster.C.InRequestAsync(() => get("p1"));

        await cluster.B.InRequestAsync(async () => { await UpdateTag("products"); return 0; }, CacheRequestPhase.Action);
        cluster.Advance(0.001);
        var onA = await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        var onC = await cluster.C.InRequestAsync(() => get("p1"));

        Assert.Equal(2, onA.Version);
        Assert.Equal(2, onC.Version);
        Assert.Equal(2, upstream.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RevalidateTagMaxOnC_MakesAServeStaleOnceThenRefresh(bool localTier)
    {
        await using var cluster = await Cluster.StartAsync(redis.Configuration, localTier: localTier);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();

        await cluster.C.InRequestAsync(async () => { await RevalidateTag("products", "max"); return 0; });
        cluster.Advance(0.001);
        var stale = await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        var refreshed = await cluster.A.InRequestAsync(() => get("p1"));
        var onB = await cluster.B.InRequestAsync(() => get("p1"));

        Assert.Equal(1, stale.Version);
        Assert.Equal(2, refreshed.Version);
        Assert.Equal(2, onB.Version);
        Assert.Equal(2, upstream.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CustomKind_IsSharedAcrossInstances(bool localTier)
    {
        await using var cluster = await Cluster.StartAsync(redis.Configuration, localTier: localTier);
        var upstream = new Upstream();
        var get = Products(cluster, upstream, Cluster.CatalogKind);

        var onA = await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        var onB = await cluster.B.InRequestAsync(() => get("p1"));

        Assert.Equal(onA, onB);
        Assert.Equal(1, upstream.Calls);
    }

    [Fact]
    public async Task CustomKind_IsInvalidatedByTagsFromAnyInstance()
    {
        await using var cluster = await Cluster.StartAsync(redis.Configuration);
        var upstream = new Upstream();
        var get = Products(cluster, upstream, Cluster.CatalogKind);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();

        await cluster.C.InRequestAsync(async () => { await UpdateTag("product:p1"); return 0; }, CacheRequestPhase.Action);
        cluster.Advance(0.001);
        var onB = await cluster.B.InRequestAsync(() => get("p1"));

        Assert.Equal(2, onB.Version);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoHundredConcurrentRequestsForAColdKey_OverThreeInstances_RunTheFunctionOnce(bool localTier)
    {
        await using var cluster = await Cluster.StartAsync(redis.Configuration, localTier: localTier);
        var upstream = new Upstream { Gate = Upstream.ClosedGate() };
        var get = Products(cluster, upstream);

        var requests = Enumerable.Range(0, 200)
            .Select(i => Task.Run(() => cluster.Apps[i % 3].InRequestAsync(() => get("hot"))))
            .ToArray();
        await Task.Delay(300); // let the requests pile up behind the one that runs the function
        upstream.Gate.SetResult();
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, upstream.Calls);
        Assert.All(results, r => Assert.Equal(1, r.Version));
    }

    [Fact]
    public async Task StaleEntryReadOnEveryInstance_IsRefreshedOncePerCluster()
    {
        await using var cluster = await Cluster.StartAsync(redis.Configuration);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        cluster.Advance(61);
        upstream.Gate = Upstream.ClosedGate();

        foreach (var app in cluster.Apps)
        {
            Assert.Equal(1, (await app.InRequestAsync(() => get("p1"))).Version);
        }

        upstream.Gate.SetResult();
        foreach (var app in cluster.Apps)
        {
            await app.Runtime.FlushAsync();
        }

        Assert.Equal(2, upstream.Calls);
    }

    [Fact]
    public async Task TagChangeWhoseMessageWasLost_IsSeenByTheNextRequest()
    {
        await using var cluster = await Cluster.StartAsync(redis.Configuration, localTier: true);
        var upstream = new Upstream();
        var get = Products(cluster, upstream);
        await cluster.A.InRequestAsync(() => get("p1"));
        await cluster.A.Runtime.FlushAsync();
        cluster.A.Remote.IgnoreMessages = true;

        await cluster.B.InRequestAsync(async () => { await UpdateTag("products"); return 0; }, CacheRequestPhase.Action);
        cluster.Advance(0.001);
        var onA = await cluster.A.InRequestAsync(() => get("p1"));

        Assert.Equal(2, onA.Version);
    }
}
