using Microsoft.Extensions.DependencyInjection;
using Strata.Generated;

namespace Strata;

/// <summary>
/// Swaps the dependency-injection registrations of classes with <c>[UseCache]</c> methods for their generated cached
/// subclasses (any lifetime, as the class itself or behind an interface, keyed or not), and finds the registrations it
/// cannot swap (factories, instances, registrations made after <c>AddStrata()</c>) so that start-up fails on them.
/// </summary>
internal sealed class CachedServiceReplacement(IServiceCollection services)
{
    /// <summary>Replaces every registration whose implementation type has a cached subclass; wraps factories that might build one.</summary>
    public static void Apply(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (ImplementationType(descriptor) is { } implementation && CachedTypeOf(implementation) is { } cached)
            {
                services[i] = descriptor.IsKeyedService
                    ? ServiceDescriptor.DescribeKeyed(descriptor.ServiceType, descriptor.ServiceKey, cached, descriptor.Lifetime)
                    : ServiceDescriptor.Describe(descriptor.ServiceType, cached, descriptor.Lifetime);
            }
            else if (Factory(descriptor) is { } factory && factory.Target is not CheckedFactory && MayBuildCachedClass(descriptor.ServiceType))
            {
                // The factory's result is only known when it runs: check it then, so an uncached instance never goes unnoticed.
                var check = new CheckedFactory(descriptor, factory);
                services[i] = descriptor.IsKeyedService
                    ? ServiceDescriptor.DescribeKeyed(descriptor.ServiceType, descriptor.ServiceKey, check.InvokeKeyed, descriptor.Lifetime)
                    : ServiceDescriptor.Describe(descriptor.ServiceType, check.Invoke, descriptor.Lifetime);
            }
        }
    }

    /// <summary>The registrations of classes with <c>[UseCache]</c> methods that would not be cached, each with its fix.</summary>
    /// <summary>The first registration that builds <paramref name="cachedType"/> and satisfies <paramref name="match"/>.</summary>
    public ServiceDescriptor? FindRegistration(Type cachedType, Func<ServiceDescriptor, bool> match) =>
        services.FirstOrDefault(d => ImplementationType(d) == cachedType && match(d));

    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        foreach (var descriptor in services)
        {
            var registration = Describe(descriptor);
            if (ImplementationType(descriptor) is { } implementation && CachedTypeOf(implementation) is { } cached)
            {
                problems.Add(
                    $"{registration} was registered after AddStrata(), so it resolves to {Name(implementation)} and its [UseCache] methods are not cached. " +
                    $"Call builder.Services.AddStrata() after registering it (AddStrata() replaces the registrations made before it by the cached subclass {Name(cached)}).");
            }
            else if (Instance(descriptor) is { } instance && CachedTypeOf(instance.GetType()) is { } cachedOfInstance)
            {
                problems.Add(
                    $"{registration} is registered as an instance of {Name(instance.GetType())}, which Strata cannot replace, so its [UseCache] methods are not cached. " +
                    $"Register the type instead (services.AddSingleton<{Name(descriptor.ServiceType)}, {Name(instance.GetType())}>()), " +
                    $"or create the generated cached subclass {Name(cachedOfInstance)} instead of {Name(instance.GetType())}.");
            }
            else if (Factory(descriptor) is not null && CachedTypeOf(descriptor.ServiceType) is { } cachedOfService)
            {
                problems.Add(
                    $"{registration} is registered with a factory, which Strata cannot replace, so the {Name(descriptor.ServiceType)} it builds is not cached. " +
                    $"Register the type instead (services.Add{descriptor.Lifetime}<{Name(descriptor.ServiceType)}>()), " +
                    $"or build the generated cached subclass {Name(cachedOfService)} in the factory.");
            }
            else if (Factory(descriptor) is { } late && late.Target is not CheckedFactory && MayBuildCachedClass(descriptor.ServiceType))
            {
                problems.Add(
                    $"{registration} was registered with a factory after AddStrata(), and it may build a class with [UseCache] methods ({string.Join(", ", CachedImplementationsOf(descriptor.ServiceType).Select(Name))}) that would not be cached. " +
                    "Call builder.Services.AddStrata() after registering it, so that Strata can check what the factory builds.");
            }
        }

        return problems;
    }

    /// <summary>Throws when <see cref="FindProblems"/> finds anything.</summary>
    public void Validate()
    {
        var problems = FindProblems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "Strata cannot cache these registrations:\n" + string.Join("\n", problems.Select(p => "- " + p)));
        }
    }

    internal static string UncachedInstance(ServiceDescriptor descriptor, Type instanceType, Type cached) =>
        $"The factory of {Describe(descriptor)} returned a {Name(instanceType)}, whose [UseCache] methods would not be cached. " +
        $"Register the type instead of a factory (services.Add{descriptor.Lifetime}<{Name(descriptor.ServiceType)}, {Name(instanceType)}>()), " +
        $"or build the generated cached subclass {Name(cached)} in the factory.";

    [return: System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)]
    private static Type? CachedTypeOf(Type type)
    {
        if (type.ContainsGenericParameters || type.IsInterface)
        {
            return null;
        }

        CachedTypes.EnsureModuleInitialized(type);
        return CachedTypes.TryGetCachedType(type, out var cached) ? cached : null;
    }

    private static bool MayBuildCachedClass(Type serviceType)
    {
        if (serviceType.ContainsGenericParameters || serviceType == typeof(object))
        {
            return false;
        }

        CachedTypes.EnsureModuleInitialized(serviceType);
        return CachedImplementationsOf(serviceType).Any();
    }

    /// <summary>Cached classes that can stand behind <paramref name="serviceType"/> and are declared in its assembly (a factory of a framework interface is not suspected).</summary>
    private static IEnumerable<Type> CachedImplementationsOf(Type serviceType) =>
        CachedTypes.All.Keys.Where(t => serviceType.IsAssignableFrom(t) && t.Assembly == serviceType.Assembly).OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static Type? ImplementationType(ServiceDescriptor d) => d.IsKeyedService ? d.KeyedImplementationType : d.ImplementationType;

    private static object? Instance(ServiceDescriptor d) => d.IsKeyedService ? d.KeyedImplementationInstance : d.ImplementationInstance;

    private static Delegate? Factory(ServiceDescriptor d) => d.IsKeyedService ? d.KeyedImplementationFactory : d.ImplementationFactory;

    private static string Describe(ServiceDescriptor d) =>
        $"{Name(d.ServiceType)} ({d.Lifetime}{(d.IsKeyedService ? $", key \"{d.ServiceKey}\"" : "")})";

    private static string Name(Type type) => KeyTypeInfo.ReadableName(type);

    /// <summary>A factory wrapped so that an uncached instance of a class with <c>[UseCache]</c> methods fails when it is built.</summary>
    private sealed class CheckedFactory(ServiceDescriptor descriptor, Delegate factory)
    {
        public object Invoke(IServiceProvider provider) => Check(((Func<IServiceProvider, object>)factory)(provider));

        public object InvokeKeyed(IServiceProvider provider, object? key) => Check(((Func<IServiceProvider, object?, object>)factory)(provider, key));

        private object Check(object instance)
        {
            if (instance is not null && CachedTypes.TryGetCachedType(instance.GetType(), out var cached))
            {
                throw new InvalidOperationException(UncachedInstance(descriptor, instance.GetType(), cached));
            }

            return instance!;
        }
    }
}
