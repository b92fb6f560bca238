using Strata.Redis.Tests.Support;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Redis.Tests;

/// <summary>
/// The handler on a Redis Cluster of three masters: entry keys hash on <c>{key}</c> and tag keys on <c>{tags}</c>, so every
/// script touches one slot, and keys spread over all masters. Entries, leases, tag invalidations and the tag backplane work
/// as on one server.
/// </summary>
public sealed class RedisClusterModeTests
{
    public sealed record Product(string Id, int Version);

    [Fact]
    public async Task ThreeMasters_EntriesAreShared_AndUpdateTagReachesEveryInstanceAndKind()
    {
        await using var servers = await RedisClusterServers.StartAsync();
        await using var cluster = await Cluster.StartAsync(servers.Configuration, instances: 2, localTier: true);
        var upstream = new Upstream();
        Func<string, Task<Product>> remote, inMemory;
        using (cluster.A.Runtime.Use())
        {
            remote = Function(async (string id) =>
            {
                var version = await upstream.CallAsync();
                CacheTag("products");
                return new Product(id, version);
            }, "remote");
            inMemory = Function(async (string id) =>
            {
                var version = await upstream.CallAsync();
                CacheTag("products");
                return new Product(id, version);
            });
        }

        var ids = Enumerable.Range(0, 30).Select(i => "p" + i).ToArray(); // 30 keys: spread over the three masters' slots
        foreach (var id in ids)
        {
            await cluster.A.InRequestAsync(() => remote(id));
        }

        await cluster.A.Runtime.FlushAsync();
        var callsAfterA = upstream.Calls;
        foreach (var id in ids)
        {
            await cluster.B.InRequestAsync(() => remote(id));
        }

        var onBBefore = await cluster.B.InRequestAsync(() => inMemory("x"));
        var reachedB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.B.Remote.TagMessageApplied += tag => { if (tag == "products") reachedB.TrySetResult(); };
        await cluster.A.InRequestAsync(async () => { await UpdateTag("products"); return 0; }, CacheRequestPhase.Action);
        await reachedB.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cluster.Advance(0.001);
        var remoteOnBAfter = await cluster.B.InRequestAsync(() => remote("p1"));
        var inMemoryOnBAfter = await cluster.B.InRequestAsync(() => inMemory("x"));

        Assert.Equal(ids.Length, callsAfterA);
        Assert.Equal(ids.Length + 3, upstream.Calls); // B read every remote entry from Redis; only "x" on B and the two reads after the update ran
        Assert.All(servers.KeyCounts(), count => Assert.True(count > 0, "a master holds no key: keys did not spread over the slots"));
        Assert.NotEqual(onBBefore, inMemoryOnBAfter);
        Assert.True(remoteOnBAfter.Version > ids.Length);
    }
}
