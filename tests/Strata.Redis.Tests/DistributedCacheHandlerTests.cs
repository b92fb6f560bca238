using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Strata.DistributedCache;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Redis.Tests;

/// <summary>The IDistributedCache handler shares entries and tags between instances that share the store.</summary>
public sealed class DistributedCacheHandlerTests
{
    public sealed record Product(string Id, int Version);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly IDistributedCache _store = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
    private readonly string _buildId = "build-" + Guid.NewGuid().ToString("N");

    private async Task<IHost> InstanceAsync(string kind = "remote")
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Strata:BuildId"] = _buildId });
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton(_store);
        builder.Services.AddStrata().AddDistributedCacheHandler(kind)
            .AddCacheHandler(Support.Cluster.CatalogKind, new MemoryCacheHandler()); // every host of this assembly serves the kinds its tests declare
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static Func<string, Task<Product>> Products(CacheRuntime runtime, Upstream upstream)
    {
        using (runtime.Use())
        {
            return Function(async (string id) =>
            {
                var version = await upstream.CallAsync();
                CacheTag("products");
                return new Product(id, version);
            }, "remote");
        }
    }

    [Fact]
    public async Task EntryFilledOnOneInstance_IsAHitOnAnother()
    {
        using var a = await InstanceAsync();
        using var b = await InstanceAsync();
        var upstream = new Upstream();
        var get = Products(a.Services.GetRequiredService<CacheRuntime>(), upstream);

        var onA = await InRequestAsync(a, () => get("p1"));
        await a.Services.GetRequiredService<CacheRuntime>().FlushAsync();
        var onB = await InRequestAsync(b, () => get("p1"));

        Assert.Equal(onA, onB);
        Assert.Equal(1, upstream.Calls);
    }

    [Fact]
    public async Task UpdateTagOnOneInstance_MakesAnotherMiss()
    {
        using var a = await InstanceAsync();
        using var b = await InstanceAsync();
        var upstream = new Upstream();
        var get = Products(a.Services.GetRequiredService<CacheRuntime>(), upstream);
        await InRequestAsync(a, () => get("p1"));
        await a.Services.GetRequiredService<CacheRuntime>().FlushAsync();

        await InRequestAsync(a, async () => { await UpdateTag("products"); return 0; }, CacheRequestPhase.Action);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var onB = await InRequestAsync(b, () => get("p1"));

        Assert.Equal(2, onB.Version);
    }

    [Fact]
    public async Task WithoutADistributedCache_StartupFails_NamingTheFix()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddStrata().AddDistributedCacheHandler("remote").AddCacheHandler(Support.Cluster.CatalogKind, new MemoryCacheHandler());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("AddDistributedCacheHandler(\"remote\") needs an IDistributedCache", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddDistributedMemoryCache()", error.Message, StringComparison.Ordinal);
    }

    private static async Task<T> InRequestAsync<T>(IHost host, Func<Task<T>> body, CacheRequestPhase phase = CacheRequestPhase.Handler)
    {
        using var request = host.Services.GetRequiredService<CacheRuntime>().BeginRequest(phase: phase);
        var result = await body();
        await request.CompleteAsync();
        return result;
    }
}
