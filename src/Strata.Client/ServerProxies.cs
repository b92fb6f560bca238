using System.Collections.Concurrent;
using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Strata.Client;

/// <summary>
/// The proxies of <c>[UseServer]</c> interfaces (Next.js: importing a <c>'use server'</c> module into client code). The
/// source generator writes, in the assembly that declares such an interface, a proxy class whose methods POST to the
/// server function of the same action id, and registers it here from a module initializer;
/// <see cref="AddStrataServerProxies"/> puts them into the browser's services. Not meant to be called by hand, except
/// <see cref="AddStrataServerProxies"/>.
/// </summary>
public static class ServerProxies
{
    private static readonly ConcurrentDictionary<Type, Func<IServiceProvider, object>> ProxyByContract = new();

    /// <summary>Registers the proxy of a <c>[UseServer]</c> interface (called by generated code).</summary>
    /// <param name="contract">The interface.</param>
    /// <param name="create">Makes the generated class that implements it by calling the server.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(Type contract, Func<IServiceProvider, object> create)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(create);
        ProxyByContract[contract] = create;
    }

    /// <summary>
    /// Calls the server function <paramref name="id"/> from the browser with <paramref name="arguments"/> (called by
    /// generated proxies): its result, or <see cref="ServerFunctionException"/> for its error; a redirect or a revalidation
    /// is applied as for a <see cref="ServerFunction{TResult}"/> parameter.
    /// </summary>
    /// <typeparam name="TResult">The result type (<see cref="object"/> for a method that returns <c>Task</c>).</typeparam>
    /// <param name="id">The action id (the generator derives it from the interface's and the method's names).</param>
    /// <param name="arguments">The arguments, in order, without the <see cref="CancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static Task<TResult> CallAsync<TResult>(string id, object?[] arguments, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(arguments);
        return ServerCalls.FromBrowserAsync<TResult>(id, null, arguments, cancellationToken);
    }

    /// <summary>
    /// Adds the generated proxy of every <c>[UseServer]</c> interface of the loaded assemblies to the browser's services
    /// (scoped; an implementation registered before wins): a client component that injects the interface calls the server.
    /// Call it in the <c>.Client</c> project's Program.cs, never on the server, where the interface resolves to the class
    /// that implements it.
    /// </summary>
    /// <param name="services">The WebAssembly host's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddStrataServerProxies(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var strata = typeof(ServerProxies).Assembly.GetName().Name;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.GetReferencedAssemblies().Any(r => r.Name == strata)))
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        }

        foreach (var (contract, create) in ProxyByContract)
        {
            services.TryAdd(ServiceDescriptor.Scoped(contract, create));
        }

        return services;
    }
}
