using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Strata;

/// <summary>
/// What a cached lambda may capture without it being part of the key: known infrastructure, like a module import in
/// JavaScript. That is (a) a type the application's DI container resolves (the value's type, a base class, an interface
/// it implements, or the variable's declared type), (b) the framework's own services (service
/// provider, loggers, options, configuration, clock, HTTP clients, caches, EF Core's DbContext...), and (c) types
/// registered with <see cref="CacheKeyPassThrough.Register(Type)"/>. Anything else that is not plain data is refused, and
/// request state never counts as infrastructure.
/// </summary>
internal static class KeyInfrastructure
{
    private static readonly HashSet<string> FrameworkTypeNames = new(KeyTypeNames.Infrastructure, StringComparer.Ordinal);

    /// <summary>Classifications made without a runtime (no <c>AddStrata()</c> and no <c>Use()</c> scope).</summary>
    private static readonly ConcurrentDictionary<(Type Value, Type Declared), bool> WithoutRuntime = new();

    /// <summary>
    /// Whether a captured value of type <paramref name="valueType"/>, in a variable declared as <paramref name="declaredType"/>,
    /// is infrastructure for the current runtime (the ambient one, else <see cref="CacheRuntime.Default"/>).
    /// </summary>
    public static bool IsInfrastructure(Type valueType, Type declaredType)
    {
        if (CacheKeyPassThrough.IsPassThrough(valueType) || CacheKeyPassThrough.IsPassThrough(declaredType))
        {
            return true;
        }

        var runtime = CurrentRuntime;
        var table = runtime?.InfrastructureTypes ?? WithoutRuntime;
        return table.GetOrAdd((valueType, declaredType), static (k, services) => Decide(k.Value, k.Declared, services), runtime?.Services);
    }

    /// <summary>
    /// What decisions depend on besides the types: the current runtime's classifications and the pass-through
    /// registrations. A decision taken under one stamp holds for as long as the stamp is current.
    /// </summary>
    public static InfrastructureStamp Stamp() =>
        new(CurrentRuntime?.InfrastructureTypes ?? WithoutRuntime, CacheKeyPassThrough.Version);

    private static CacheRuntime? CurrentRuntime => AmbientContext.Current?.Runtime ?? CacheRuntime.Default;

    /// <summary>Whether the type is, derives from or implements one of the framework's services.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = StrataFeatures.InterfacesKept)]
    public static bool IsFrameworkService(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (IsFrameworkName(t))
            {
                return true;
            }
        }

        foreach (var i in type.GetInterfaces())
        {
            if (IsFrameworkName(i))
            {
                return true;
            }
        }

        return false;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = StrataFeatures.InterfacesKept)]
    private static bool Decide(Type valueType, Type declaredType, IServiceProvider? services)
    {
        if (KeyTypeInfo.Get(valueType).IsRequestState)
        {
            return false;
        }

        if (IsFrameworkService(valueType) || IsFrameworkService(declaredType))
        {
            return true;
        }

        if (services?.GetService(typeof(IServiceProviderIsService)) is not IServiceProviderIsService container)
        {
            return false;
        }

        for (var t = valueType; t is not null && t != typeof(object); t = t.BaseType)
        {
            if (container.IsService(t))
            {
                return true;
            }
        }

        // A service registered behind an interface (AddScoped<IRepository, Repository>()) is resolved as that interface.
        return valueType.GetInterfaces().Any(i => Askable(i) && container.IsService(i)) || (Askable(declaredType) && container.IsService(declaredType));
    }

    /// <summary>
    /// Microsoft's container says yes to every <c>IEnumerable&lt;T&gt;</c> (it can always resolve "all registrations of
    /// T"): never ask it about collection interfaces, or object.
    /// </summary>
    private static bool Askable(Type type) => type != typeof(object) && !(type.IsInterface && typeof(IEnumerable).IsAssignableFrom(type));

    private static bool IsFrameworkName(Type type) =>
        (type.IsGenericType ? type.GetGenericTypeDefinition().FullName : type.FullName) is { } name && FrameworkTypeNames.Contains(name);
}

/// <summary>See <see cref="KeyInfrastructure.Stamp"/>.</summary>
internal readonly record struct InfrastructureStamp(object Classifications, int PassThroughVersion);
