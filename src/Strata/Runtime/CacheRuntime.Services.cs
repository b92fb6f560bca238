using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Strata;

public sealed partial class CacheRuntime
{
    private readonly ConcurrentDictionary<Type, ServiceDescriptor?> _ownScopeRegistrations = new();

    /// <summary>
    /// Runs a <c>[UseCache]</c> method's body to make an entry. When the runtime belongs to a DI container and the service is
    /// registered as scoped or transient, the body runs on an instance of that registration resolved from a scope of its own,
    /// disposed when the run ends: the entry outlives the caller and is shared with other requests, so the run must neither
    /// use the caller's scoped services concurrently with it (a DbContext allows one operation at a time) nor after the
    /// caller's scope is disposed, and must not see request-scoped state that is not part of the key. Singletons, and services
    /// outside DI, run on the instance itself.
    /// </summary>
    internal ValueTask<TResult> RunOnOwnScopeAsync<TService, TArgs, TResult>(TService service, TArgs args, Func<TService, TArgs, ValueTask<TResult>> run)
        where TService : class
    {
        var registration = Services is null ? null : _ownScopeRegistrations.GetOrAdd(service.GetType(), FindOwnScopeRegistration);
        return registration is null ? run(service, args) : RunInOwnScopeAsync(registration, args, run);
    }

    private async ValueTask<TResult> RunInOwnScopeAsync<TService, TArgs, TResult>(ServiceDescriptor registration, TArgs args, Func<TService, TArgs, ValueTask<TResult>> run)
        where TService : class
    {
        await using var scope = Services!.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var instance = registration.IsKeyedService
            ? provider.GetRequiredKeyedService(registration.ServiceType, registration.ServiceKey)
            : provider.GetRequiredService(registration.ServiceType);
        return await run((TService)instance, args).ConfigureAwait(false);
    }

    /// <summary>A scoped or transient registration whose implementation is <paramref name="cachedType"/>; <see langword="null"/> for singletons.</summary>
    private ServiceDescriptor? FindOwnScopeRegistration(Type cachedType) =>
        Services?.GetService<CachedServiceReplacement>()?.FindRegistration(cachedType, d => d.Lifetime != ServiceLifetime.Singleton);
}
