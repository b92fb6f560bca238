using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Strata in a service collection.</summary>
public static class StrataServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Strata cache engine: options bound from the <c>Strata</c> configuration section (then changed by
    /// <paramref name="configure"/>), the default in-memory handler, and a <see cref="CacheRuntime"/> singleton, which
    /// <c>[UseCache]</c> classes receive through their constructors. At host start, options are validated and every declared
    /// cache kind must have a handler, or the host fails to start with the list of missing kinds; the runtime then becomes
    /// <see cref="CacheRuntime.Default"/> (for cached lambdas called outside requests) unless another started host's runtime
    /// already is, until the host stops. Calling it again only adds configuration.
    /// </summary>
    /// <remarks>
    /// Every registration made so far of a class with <c>[UseCache]</c> methods (any lifetime, registered as the class or
    /// behind an interface, keyed or not) is replaced by the cached subclass Strata's source generator wrote for it.
    /// Registrations it cannot replace fail the host's start with the type and the fix: an instance or a factory of such a
    /// class, and such a class registered after <c>AddStrata()</c> (call <c>AddStrata()</c> last). A factory registered
    /// behind an interface is checked when it runs: it throws if it builds an uncached instance.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>A builder to register cache handlers.</returns>
    public static IStrataBuilder AddStrata(this IServiceCollection services, Action<StrataOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(StrataMarker)))
        {
            services.AddSingleton<StrataMarker>();
            services.AddOptions();
            services.AddSingleton<IConfigureOptions<StrataOptions>>(sp => new BindStrataConfiguration(sp.GetService<IConfiguration>()));
            services.AddSingleton<IValidateOptions<StrataOptions>, StrataOptionsValidation>();
            services.AddOptions<StrataOptions>().ValidateOnStart(); // a wrong option stops the host at start, naming the option and the fix
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton(CreateRuntime);
            services.AddSingleton(new CachedServiceReplacement(services));
            services.AddHostedService<StrataStartup>();
        }

        CachedServiceReplacement.Apply(services);

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new StrataBuilder(services);
    }

    /// <summary>Registers a cache handler for a kind (<c>default</c>, <c>remote</c> or a custom one).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="kind">The kind: lowercase letters and dashes; not <c>private</c>.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The kind is <c>private</c> or not a valid name.</exception>
    public static IStrataBuilder AddCacheHandler(this IStrataBuilder builder, string kind, ICacheHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddCacheHandler(kind, _ => handler);
    }

    /// <summary>Registers a cache handler for a kind, made from the service provider when the runtime is created.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="kind">The kind: lowercase letters and dashes; not <c>private</c>.</param>
    /// <param name="factory">Makes the handler.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The kind is <c>private</c> or not a valid name.</exception>
    public static IStrataBuilder AddCacheHandler(this IStrataBuilder builder, string kind, Func<IServiceProvider, ICacheHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(factory);
        if (kind == StrataDefaults.PrivateKind)
        {
            throw new ArgumentException(ErrorMessages.PrivateHandler, nameof(kind));
        }

        CacheKinds.Validate(kind);
        builder.Services.AddSingleton(new CacheHandlerRegistration(kind, factory));
        return builder;
    }

    private static CacheRuntime CreateRuntime(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StrataOptions>>().Value;
        var handlers = new Dictionary<string, ICacheHandler>(StringComparer.Ordinal);
        foreach (var registration in services.GetServices<CacheHandlerRegistration>())
        {
            handlers[registration.Kind] = registration.Factory(services);
        }

        var runtime = new CacheRuntime(
            options,
            handlers,
            services.GetService<TimeProvider>(),
            services.GetService<ILoggerFactory>(),
            services.GetService<IMeterFactory>(),
            services);
        return runtime;
    }

    private sealed class StrataMarker;

    private sealed class StrataBuilder(IServiceCollection services) : IStrataBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class BindStrataConfiguration(IConfiguration? configuration) : IConfigureOptions<StrataOptions>
    {
        public void Configure(StrataOptions options)
        {
            var section = configuration?.GetSection(StrataDefaults.ConfigurationSection);
            if (section is not null && section.Exists())
            {
                section.Bind(options); // generated code (EnableConfigurationBindingGenerator): no reflection
                BindProfiles(section.GetSection(nameof(StrataOptions.CacheLife)), options.CacheLife);
            }

            if (CacheDebug.IsTruthy(Environment.GetEnvironmentVariable(StrataDefaults.DebugEnvironmentVariable)))
            {
                options.DebugCache = true;
            }
        }
    }

    /// <summary>
    /// The <c>CacheLife</c> profiles, read by hand: the binding generator cannot set <see cref="CacheLifeProfile"/>'s
    /// init-only properties (it leaves them empty), and profiles stay immutable. Same rules as the binder: invariant
    /// numbers, unknown keys ignored, a value that is not a number fails naming its path.
    /// </summary>
    private static void BindProfiles(IConfigurationSection section, IDictionary<string, CacheLifeProfile> profiles)
    {
        foreach (var profile in section.GetChildren())
        {
            profiles[profile.Key] = new CacheLifeProfile
            {
                Stale = Seconds(profile, nameof(CacheLifeProfile.Stale)),
                Revalidate = Seconds(profile, nameof(CacheLifeProfile.Revalidate)),
                Expire = Seconds(profile, nameof(CacheLifeProfile.Expire)),
            };
        }

        static double? Seconds(IConfigurationSection profile, string name) => profile.GetSection(name) switch
        {
            { Value: null or "" } => null,
            { Value: var text } when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) => seconds,
            var value => throw new InvalidOperationException($"Failed to convert configuration value '{value.Value}' at '{value.Path}' to type 'System.Double'."),
        };
    }

    private sealed class StrataStartup(CacheRuntime runtime, CachedServiceReplacement cachedServices) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            cachedServices.Validate();
            runtime.ValidateKinds();
            CacheRuntime.BecomeDefault(runtime);
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            CacheRuntime.StopBeingDefault(runtime);
            await runtime.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Returned by <c>AddStrata()</c>: where cache handlers and integrations are registered.</summary>
public interface IStrataBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }
}

/// <summary>A cache handler registered for a kind with <c>AddCacheHandler</c>.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Factory">Makes the handler.</param>
public sealed record CacheHandlerRegistration(string Kind, Func<IServiceProvider, ICacheHandler> Factory);
