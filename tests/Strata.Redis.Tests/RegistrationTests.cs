using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Strata.Redis.Tests.Support;

namespace Strata.Redis.Tests;

/// <summary><c>AddRedisCacheHandler(kind)</c>: options from configuration and code, validation with the fix, kinds.</summary>
public sealed class RegistrationTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static ServiceProvider Provider(Dictionary<string, string?> settings, Action<IStrataBuilder> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        register(services.AddStrata().AddCacheHandler(Cluster.CatalogKind, new MemoryCacheHandler()));
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Options_AreBoundFromStrataRedis_ThenFromTheKindsSection_ThenFromCode()
    {
        using var provider = Provider(
            new()
            {
                ["Strata:Redis:Configuration"] = "redis.example:6379",
                ["Strata:Redis:KeyPrefix"] = "shop:",
                ["Strata:Redis:LocalCacheSize"] = "1000",
                ["Strata:Redis:Kinds:remote:LocalCacheSize"] = "2000",
                ["Strata:Redis:Kinds:remote:OperationTimeout"] = "00:00:00.500",
            },
            b => b.AddRedisCacheHandler("remote", o => o.KeyPrefix = "code:"));

        var options = provider.GetRequiredService<IOptionsMonitor<RedisCacheHandlerOptions>>().Get("remote");

        Assert.Equal("redis.example:6379", options.Configuration);
        Assert.Equal(2000, options.LocalCacheSize);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.OperationTimeout);
        Assert.Equal("code:", options.KeyPrefix);
    }

    [Fact]
    public void Options_HaveTheDocumentedDefaults()
    {
        var options = new RedisCacheHandlerOptions();

        Assert.Equal("strata:", options.KeyPrefix);
        Assert.Equal(16 * 1024 * 1024, options.LocalCacheSize);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.OperationTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.LatencyBudget);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MaxStalenessDuringOutage);
        Assert.Equal(TagUpdatesDuringOutage.Queue, options.TagUpdatesDuringOutage);
        Assert.True(options.TagBackplane);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), options.LeaseWaitTimeout);
        Assert.Equal(TimeSpan.Zero, options.TagRefreshInterval);
        Assert.Equal(TimeSpan.FromDays(30), options.MaxTimeToLive);
        Assert.Equal(10_000, options.MaxPendingTagUpdates);
    }

    [Fact]
    public async Task MissingConfiguration_FailsAtStartup_NamingTheSettingAndTheFix()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddStrata().AddRedisCacheHandler("remote").AddCacheHandler(Cluster.CatalogKind, new MemoryCacheHandler());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.StartAsync());

        Assert.Contains("Strata:Redis:Configuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddRedisCacheHandler(\"remote\", o => o.Configuration = \"localhost:6379\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidTimeout_IsRejected_WithTheDefault()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisCacheHandler(new RedisCacheHandlerOptions { Configuration = "localhost:1", OperationTimeout = TimeSpan.Zero }));

        Assert.Contains("OperationTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("default 250 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidConnectionString_IsRejected_WithTheExpectedForm()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisCacheHandler(new RedisCacheHandlerOptions { Configuration = "localhost:6379,connectTimeout=soon" }));

        Assert.Contains("is not a valid StackExchange.Redis connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrivateKind_CannotBeServedByRedis()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddStrata().AddRedisCacheHandler("private", o => o.Configuration = "localhost:6379"));
    }

    [Fact]
    public async Task CustomKind_IsServedByItsOwnRedisHandler()
    {
        await using var provider = Provider(
            new() { ["Strata:Redis:Configuration"] = redis.Configuration },
            b => b.AddRedisCacheHandler("reports"));

        var handler = provider.GetRequiredService<CacheRuntime>().GetHandler("reports");

        Assert.Equal("reports", Assert.IsType<RedisCacheHandler>(handler).Name);
    }

    [Fact]
    public async Task RemoteKind_StaysInMemory_WithoutARedisHandler()
    {
        await using var provider = Provider(new(), _ => { });

        var runtime = provider.GetRequiredService<CacheRuntime>();

        Assert.Same(runtime.GetHandler("default"), runtime.GetHandler("remote"));
    }
}
