using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Strata.Generators.Tests.Samples;

namespace Strata.Generators.Tests.Injection;

/// <summary>AddStrata() swaps registrations of [UseCache] classes for their cached subclasses, and reports those it cannot swap.</summary>
public sealed class ReplacementTests
{
    [Theory]
    [InlineData(ServiceLifetime.Scoped)]
    [InlineData(ServiceLifetime.Singleton)]
    [InlineData(ServiceLifetime.Transient)]
    public async Task ConcreteRegistration_ResolvesTheCachedSubclassThatCaches(ServiceLifetime lifetime)
    {
        var services = Services();
        services.Add(ServiceDescriptor.Describe(typeof(Catalog), typeof(Catalog), lifetime));
        services.AddStrata();
        await using var provider = services.BuildServiceProvider();
        using var use = provider.GetRequiredService<CacheRuntime>().Use();

        await Resolve<Catalog>(provider).GetProduct("a");
        var catalog = Resolve<Catalog>(provider);
        await catalog.GetProduct("a");

        Assert.IsType<Catalog_Cached>(catalog);
        Assert.Equal(1, provider.GetRequiredService<AppDb>().Queries);
        Assert.Equal(lifetime, services.Single(d => d.ServiceType == typeof(Catalog)).Lifetime);
    }

    [Theory]
    [InlineData(ServiceLifetime.Scoped)]
    [InlineData(ServiceLifetime.Singleton)]
    [InlineData(ServiceLifetime.Transient)]
    public async Task InterfaceRegistration_ResolvesTheCachedSubclassThatCaches(ServiceLifetime lifetime)
    {
        var services = Services();
        services.Add(ServiceDescriptor.Describe(typeof(IPricing), typeof(Pricing), lifetime));
        services.AddStrata();
        await using var provider = services.BuildServiceProvider();
        using var use = provider.GetRequiredService<CacheRuntime>().Use();

        var first = await Resolve<IPricing>(provider).Price("a");
        var pricing = Resolve<IPricing>(provider);
        var second = await pricing.Price("a");

        Assert.IsType<Pricing_Cached>(pricing);
        Assert.Equal(first, second);
        Assert.Equal(1, provider.GetRequiredService<AppDb>().Queries);
    }

    [Fact]
    public async Task KeyedRegistration_ResolvesTheCachedSubclass()
    {
        var services = Services();
        services.AddKeyedScoped<Catalog>("main");
        services.AddStrata();
        await using var provider = services.BuildServiceProvider();

        using var scope = provider.CreateScope();
        Assert.IsType<Catalog_Cached>(scope.ServiceProvider.GetRequiredKeyedService<Catalog>("main"));
    }

    [Fact]
    public async Task ForwardedConstructor_KeepsItsOptionalParameterDefault()
    {
        var services = Services();
        services.AddScoped<Inventory>();
        services.AddStrata();
        await using var provider = services.BuildServiceProvider();

        using var scope = provider.CreateScope();
        var inventory = scope.ServiceProvider.GetRequiredService<Inventory>();

        Assert.IsType<Inventory_Cached>(inventory);
        Assert.Equal(7, inventory.Warehouse);
    }

    [Fact]
    public async Task TheIssueExample_AddScopedThenAddStrata_Caches()
    {
        var builder = HostBuilder();
        builder.Services.AddSingleton<AppDb>();
        builder.Services.AddScoped<Catalog>();
        builder.Services.AddScoped<Reports>();
        builder.Services.AddStrata().AddCacheHandler(Archive.Kind, new MemoryCacheHandler());
        using var host = builder.Build();
        await host.StartAsync();
        using var use = host.Services.GetRequiredService<CacheRuntime>().Use();

        for (var request = 0; request < 3; request++)
        {
            using var scope = host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<Catalog>().GetProduct("p-1");
            await scope.ServiceProvider.GetRequiredService<Catalog>().GetPrice("p-1", "EUR");
            await scope.ServiceProvider.GetRequiredService<Reports>().Daily(new DateOnly(2026, 11, 25));
        }

        Assert.Equal(3, host.Services.GetRequiredService<AppDb>().Queries);
        await host.StopAsync();
    }

    [Fact]
    public async Task RegistrationAfterAddStrata_FailsStartWithTheTypeAndTheFix()
    {
        var builder = HostBuilder();
        builder.Services.AddStrata().AddCacheHandler(Archive.Kind, new MemoryCacheHandler());
        builder.Services.AddScoped<Catalog>();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Strata.Generators.Tests.Samples.Catalog (Scoped) was registered after AddStrata()", error.Message, StringComparison.Ordinal);
        Assert.Contains("Call builder.Services.AddStrata() after registering it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FactoryOfTheClass_FailsStartWithTheTypeAndTheFix()
    {
        var builder = HostBuilder();
        builder.Services.AddScoped(sp => new Catalog(sp.GetRequiredService<AppDb>()));
        builder.Services.AddStrata().AddCacheHandler(Archive.Kind, new MemoryCacheHandler());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Strata.Generators.Tests.Samples.Catalog (Scoped) is registered with a factory", error.Message, StringComparison.Ordinal);
        Assert.Contains("Register the type instead (services.AddScoped<Strata.Generators.Tests.Samples.Catalog>())", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstanceOfTheClass_FailsStartWithTheTypeAndTheFix()
    {
        var builder = HostBuilder();
        builder.Services.AddSingleton<IPricing>(new Pricing(new AppDb()));
        builder.Services.AddStrata().AddCacheHandler(Archive.Kind, new MemoryCacheHandler());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Strata.Generators.Tests.Samples.IPricing (Singleton) is registered as an instance of Strata.Generators.Tests.Samples.Pricing", error.Message, StringComparison.Ordinal);
        Assert.Contains("Register the type instead", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterfaceFactoryThatBuildsTheClass_FailsWhenItRuns()
    {
        var services = Services();
        services.AddScoped<IPricing>(sp => new Pricing(sp.GetRequiredService<AppDb>()));
        services.AddStrata();
        await using var provider = services.BuildServiceProvider();

        using var scope = provider.CreateScope();
        var error = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<IPricing>());

        Assert.Contains("The factory of Strata.Generators.Tests.Samples.IPricing (Scoped) returned a Strata.Generators.Tests.Samples.Pricing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterfaceFactoryThatResolvesTheRegisteredClass_GetsTheCachedSubclass()
    {
        var services = Services();
        services.AddScoped<Pricing>();
        services.AddScoped<IPricing>(sp => sp.GetRequiredService<Pricing>());
        services.AddStrata();
        await using var provider = services.BuildServiceProvider();

        using var scope = provider.CreateScope();

        Assert.IsType<Pricing_Cached>(scope.ServiceProvider.GetRequiredService<IPricing>());
    }

    [Fact]
    public async Task KindWithoutHandler_FailsStartWithTheListOfMissingKinds()
    {
        var builder = HostBuilder();
        builder.Services.AddScoped<Archive>();
        builder.Services.AddStrata();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("These cache kinds are used but have no cache handler: \"archive\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddCacheHandler(\"<kind>\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryKindWithAHandler_Starts()
    {
        var builder = HostBuilder();
        builder.Services.AddScoped<Archive>();
        builder.Services.AddStrata().AddCacheHandler(Archive.Kind, new MemoryCacheHandler());
        using var host = builder.Build();

        await host.StartAsync();

        Assert.IsType<Archive_Cached>(host.Services.CreateScope().ServiceProvider.GetRequiredService<Archive>());
        await host.StopAsync();
    }

    private static IServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<AppDb>();
        services.AddSingleton(new Gate());
        return services;
    }

    private static HostApplicationBuilder HostBuilder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<AppDb>();
        return builder;
    }

    private static T Resolve<T>(IServiceProvider provider)
        where T : notnull
    {
        using var scope = provider.CreateScope();
        return scope.ServiceProvider.GetRequiredService<T>();
    }
}
