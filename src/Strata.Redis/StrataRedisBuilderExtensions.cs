using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata;
using Strata.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis cache handler for cache kinds.</summary>
public static class StrataRedisBuilderExtensions
{
    /// <summary>
    /// Serves a cache kind from Redis: <c>AddStrata().AddRedisCacheHandler("remote", o =&gt; o.Configuration = "localhost:6379")</c>
    /// for <c>[UseCache("remote")]</c>, or any custom kind (<c>[UseCache("catalog")]</c>). Options are bound from
    /// <c>Strata:Redis</c>, then <c>Strata:Redis:Kinds:&lt;kind&gt;</c>, then changed by <paramref name="configure"/>. The
    /// application waits for the connection at start-up (up to <see cref="RedisCacheHandlerOptions.ConnectTimeout"/>), and
    /// starts without Redis if it is not there (requests then run the functions, and Redis is used once it answers).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddStrata()</c>.</param>
    /// <param name="kind">The cache kind; <c>remote</c> by default. Not <c>private</c>.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The kind is <c>private</c> or not a valid kind name. Invalid options fail at start-up with a message naming the setting.</exception>
    public static IStrataBuilder AddRedisCacheHandler(this IStrataBuilder builder, string kind = StrataDefaults.RemoteKind, Action<RedisCacheHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(kind);
        var services = builder.Services;
        services.AddOptions<RedisCacheHandlerOptions>(kind)
            .Configure<IServiceProvider>((options, provider) => Bind(provider, RedisDefaults.ConfigurationSection, kind, options));
        if (configure is not null)
        {
            services.Configure(kind, configure);
        }

        services.TryAddSingleton<RedisHandlerRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisHandlerStartup>());
        return builder.AddCacheHandler(kind, provider =>
        {
            var handler = new RedisCacheHandler(
                provider.GetRequiredService<IOptionsMonitor<RedisCacheHandlerOptions>>().Get(kind),
                provider.GetRequiredService<IOptions<StrataOptions>>().Value,
                provider.GetService<TimeProvider>(),
                provider.GetService<ILoggerFactory>(),
                kind);
            provider.GetRequiredService<RedisHandlerRegistry>().Add(handler);
            return handler;
        });
    }

    private static void Bind(IServiceProvider provider, string section, string kind, object options)
    {
        if (provider.GetService<IConfiguration>() is not { } configuration)
        {
            return;
        }

        configuration.GetSection(section).Bind(options);
        configuration.GetSection($"{section}:Kinds:{kind}").Bind(options);
    }

    /// <summary>The Redis handlers made by the container: connected at start-up, disposed with the container.</summary>
    private sealed class RedisHandlerRegistry : IAsyncDisposable
    {
        private readonly List<RedisCacheHandler> _handlers = [];

        public RedisCacheHandler[] Handlers
        {
            get
            {
                lock (_handlers)
                {
                    return _handlers.ToArray();
                }
            }
        }

        public void Add(RedisCacheHandler handler)
        {
            lock (_handlers)
            {
                _handlers.Add(handler);
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var handler in Handlers)
            {
                await handler.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Makes the runtime (and so the handlers) at start-up, makes one Redis handler per key prefix the tag backplane of the
    /// in-memory kinds (unless <see cref="RedisCacheHandlerOptions.TagBackplane"/> is off), and waits for the handlers' first
    /// connection attempt.
    /// </summary>
    private sealed class RedisHandlerStartup(CacheRuntime runtime, RedisHandlerRegistry registry) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var inMemory = runtime.Kinds.Select(runtime.GetHandler).OfType<MemoryCacheHandler>().Distinct().ToArray();
            foreach (var handler in registry.Handlers.Where(h => h.Options.TagBackplane).DistinctBy(h => h.Options.KeyPrefix, StringComparer.Ordinal))
            {
                handler.AttachBackplane(inMemory);
            }

            return Task.WhenAll(registry.Handlers.Select(h => h.ConnectAsync(cancellationToken)));
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
