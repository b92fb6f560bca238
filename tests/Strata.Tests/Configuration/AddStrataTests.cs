using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Strata.Tests.Support;

namespace Strata.Tests.Configuration;

[Collection(nameof(DefaultRuntimeCollection))]
public sealed class AddStrataTests
{
    [Fact]
    public void Options_AreBoundFromTheStrataSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Strata:BuildId"] = "from-config",
            ["Strata:CacheMaxMemorySize"] = "1024",
            ["Strata:CacheLife:frequent:Stale"] = "19",
            ["Strata:CacheLife:frequent:Revalidate"] = "100",
            ["Strata:CacheLife:frequent:Expire"] = "300",
            ["Strata:CacheLife:forever:Expire"] = "Infinity",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddStrata().Services.BuildServiceProvider();

        var runtime = services.GetRequiredService<CacheRuntime>();

        Assert.Equal("from-config", runtime.BuildId);
        Assert.Equal(new CacheLifeProfile { Stale = 19, Revalidate = 100, Expire = 300 }, runtime.Profiles["frequent"]);
        Assert.Equal(StrataDefaults.InfiniteSeconds, runtime.Profiles["forever"].Expire);
        Assert.Equal(1024, ((MemoryCacheHandler)runtime.GetHandler("default")).MaxSize);
    }

    [Fact]
    public async Task TheRuntimeOfAStartedHost_IsTheDefault_UntilTheHostStops()
    {
        var previous = CacheRuntime.Default;
        CacheRuntime.Default = null;
        try
        {
            var builder = Host.CreateApplicationBuilder();
            var strata = builder.Services.AddStrata();
            foreach (var kind in CacheKinds.All.Where(k => k is not ("default" or "remote" or "private")))
            {
                strata.AddCacheHandler(kind, new MemoryCacheHandler()); // kinds other tests declared in this process
            }

            using var host = builder.Build();
            var runtime = host.Services.GetRequiredService<CacheRuntime>();
            Assert.Null(CacheRuntime.Default); // building the container does not touch the process-wide default

            await host.StartAsync();
            Assert.Same(runtime, CacheRuntime.Default);
            using (var other = new ServiceCollection().AddStrata().Services.BuildServiceProvider())
            {
                Assert.NotSame(other.GetRequiredService<CacheRuntime>(), CacheRuntime.Default);
            }

            await host.StopAsync();
            Assert.Null(CacheRuntime.Default);
        }
        finally
        {
            CacheRuntime.Default = previous;
        }
    }

    [Fact]
    public void CodeConfiguration_ComesAfterTheConfigurationSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Strata:BuildId"] = "from-config" }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddStrata(o => o.BuildId = "from-code").Services
            .BuildServiceProvider();

        Assert.Equal("from-code", services.GetRequiredService<CacheRuntime>().BuildId);
    }

    [Fact]
    public void WithoutConfiguration_TheDefaultsApply()
    {
        using var services = new ServiceCollection().AddStrata().Services.BuildServiceProvider();

        var runtime = services.GetRequiredService<CacheRuntime>();

        Assert.Equal(StrataDefaults.CacheMaxMemorySize, ((MemoryCacheHandler)runtime.GetHandler("default")).MaxSize);
        Assert.Same(runtime.GetHandler("default"), runtime.GetHandler("remote"));
    }

    [Fact]
    public void HandlersRegisteredByKind_AreUsed()
    {
        var catalog = new MemoryCacheHandler();
        using var services = new ServiceCollection().AddStrata().AddCacheHandler("catalog", catalog).Services.BuildServiceProvider();

        Assert.Same(catalog, services.GetRequiredService<CacheRuntime>().GetHandler("catalog"));
    }

    [Fact]
    public void RegisteringAPrivateHandler_IsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddStrata().AddCacheHandler("private", new MemoryCacheHandler()));

        Assert.StartsWith("The cache handler for [UseCache(\"private\")] cannot be customized.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_Fails_WhenADeclaredKindHasNoHandler()
    {
        CacheKinds.Declare("never-registered");
        using var host = Host.CreateDefaultBuilder().ConfigureServices(s => s.AddStrata()).Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("These cache kinds are used but have no cache handler: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"never-registered\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddCacheHandler(\"<kind>\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidProfilesInConfiguration_FailWhenTheRuntimeIsCreated()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Strata:CacheLife:broken:Revalidate"] = "100",
            ["Strata:CacheLife:broken:Expire"] = "10",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddStrata().Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<CacheRuntime>());

        Assert.Contains("the expire option must be greater than the revalidate option", error.Message, StringComparison.Ordinal);
        Assert.Contains("(profile \"broken\")", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Strata:CacheMaxMemorySize", "-1", "Strata:CacheMaxMemorySize is -1; it is a size in bytes: 0 or more")]
    [InlineData("Strata:FailSafeWindow", "-00:01:00", "Strata:FailSafeWindow is -00:01:00; it must be zero (off, the default) or positive")]
    [InlineData("Strata:FillTimeout", "00:00:00", "Strata:FillTimeout is 00:00:00; it must be positive")]
    [InlineData("Strata:CacheLife:broken:Expire", "-5", "Invalid \"cacheLife.broken.expire\"")]
    public async Task AnInvalidOption_StopsTheHostAtStart_NamingTheOptionAndTheFix(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddStrata();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>Tests that set <see cref="CacheRuntime.Default"/> run one at a time.</summary>
[CollectionDefinition(nameof(DefaultRuntimeCollection), DisableParallelization = true)]
public sealed class DefaultRuntimeCollection;
