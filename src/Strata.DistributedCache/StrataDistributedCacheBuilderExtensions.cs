using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata;
using Strata.DistributedCache;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <see cref="IDistributedCache"/> cache handler for cache kinds.</summary>
public static class StrataDistributedCacheBuilderExtensions
{
    /// <summary>
    /// Serves a cache kind from the registered <see cref="IDistributedCache"/> (SQL Server, PostgreSQL, SQLite, Redis, …),
    /// with shared entries and tags. Register the distributed cache first. Options are bound from
    /// <c>Strata:DistributedCache</c>, then <c>Strata:DistributedCache:Kinds:&lt;kind&gt;</c>, then changed by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddStrata()</c>.</param>
    /// <param name="kind">The cache kind; <c>remote</c> by default. Not <c>private</c>.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The kind is <c>private</c> or not a valid kind name.</exception>
    /// <exception cref="InvalidOperationException">At start-up, when no <see cref="IDistributedCache"/> is registered.</exception>
    public static IStrataBuilder AddDistributedCacheHandler(this IStrataBuilder builder, string kind = StrataDefaults.RemoteKind, Action<DistributedCacheHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(kind);
        var services = builder.Services;
        services.AddOptions<DistributedCacheHandlerOptions>(kind)
            .Configure<IServiceProvider>((options, provider) => Bind(provider, kind, options));
        if (configure is not null)
        {
            services.Configure(kind, configure);
        }

        return builder.AddCacheHandler(kind, provider => new DistributedCacheHandler(
            provider.GetService<IDistributedCache>() ?? throw new InvalidOperationException(
                $"AddDistributedCacheHandler(\"{kind}\") needs an IDistributedCache, and none is registered. Register one before the host starts, " +
                "e.g. services.AddStackExchangeRedisCache(...), services.AddDistributedSqlServerCache(...) or services.AddDistributedMemoryCache()."),
            provider.GetRequiredService<IOptionsMonitor<DistributedCacheHandlerOptions>>().Get(kind),
            provider.GetRequiredService<IOptions<StrataOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
    }

    private static void Bind(IServiceProvider provider, string kind, DistributedCacheHandlerOptions options)
    {
        if (provider.GetService<IConfiguration>() is not { } configuration)
        {
            return;
        }

        configuration.GetSection(DistributedCacheDefaults.ConfigurationSection).Bind(options);
        configuration.GetSection($"{DistributedCacheDefaults.ConfigurationSection}:Kinds:{kind}").Bind(options);
    }
}
