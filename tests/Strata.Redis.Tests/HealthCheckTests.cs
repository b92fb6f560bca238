using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Strata.Redis.Tests.Support;

namespace Strata.Redis.Tests;

/// <summary>
/// <c>AddHealthChecks().AddStrataRedis()</c> against a real redis-server behind a <see cref="FaultProxy"/>: healthy while
/// Redis answers, degraded in an outage that queues invalidations, unhealthy when invalidations fail, healthy again after.
/// </summary>
public sealed class HealthCheckTests
{
    private static async Task<IHost> StartAsync(string redis, TagUpdatesDuringOutage tagUpdates)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Strata:Redis:Configuration"] = redis,
            ["Strata:Redis:KeyPrefix"] = "health-" + Guid.NewGuid().ToString("N")[..8] + ":",
            ["Strata:Redis:TagUpdatesDuringOutage"] = tagUpdates.ToString(),
        });
        builder.Services.AddStrata()
            .AddRedisCacheHandler("remote", o => o.OperationTimeout = TestTimeouts.Operation)
            .AddRedisCacheHandler(Cluster.CatalogKind, o => o.OperationTimeout = TestTimeouts.Operation); // a kind this assembly's tests use: start-up checks every used kind has a handler
        builder.Services.AddHealthChecks().AddStrataRedis();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["strata-redis"];

    private static RedisCacheHandler Remote(IHost host) => Handler(host, "remote");

    private static RedisCacheHandler Handler(IHost host, string kind) => (RedisCacheHandler)host.Services.GetRequiredService<CacheRuntime>().GetHandler(kind);

    [Fact]
    public async Task AnOutageWithQueuedInvalidations_IsDegraded_AndHealthyOnceRedisAnswers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = FaultProxy.To(redis.Port);
        using var host = await StartAsync(proxy.Configuration, TagUpdatesDuringOutage.Queue);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host)).Status);

        proxy.BlackHole = true;
        proxy.Cut();
        await Eventually.TrueAsync(() => !Remote(host).IsAvailable, "the handler to notice the outage");
        await Remote(host).UpdateTagsAsync(["products"], null);
        var outage = await CheckAsync(host);

        Assert.Equal(HealthStatus.Degraded, outage.Status);
        Assert.Contains("\"remote\": Redis is unavailable", outage.Description, StringComparison.Ordinal);
        Assert.Contains("1 invalidations queued", outage.Description, StringComparison.Ordinal);

        proxy.BlackHole = false;
        await Eventually.TrueAsync(
            () => Remote(host) is { IsAvailable: true, PendingTagUpdates: 0 } && Handler(host, Cluster.CatalogKind).IsAvailable,
            "the handlers to reach Redis and write the queue");
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host)).Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task AnOutageWhereInvalidationsFail_IsUnhealthy()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = FaultProxy.To(redis.Port);
        using var host = await StartAsync(proxy.Configuration, TagUpdatesDuringOutage.Fail);

        proxy.BlackHole = true;
        proxy.Cut();
        await Eventually.TrueAsync(() => !Remote(host).IsAvailable, "the handler to notice the outage");
        var outage = await CheckAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, outage.Status);
        Assert.Contains("invalidations fail (TagUpdatesDuringOutage is Fail)", outage.Description, StringComparison.Ordinal);
        proxy.BlackHole = false;
        await host.StopAsync();
    }
}
