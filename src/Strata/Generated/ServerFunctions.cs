using System.Collections.Concurrent;
using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Generated;

/// <summary>
/// The <c>[UseServer]</c> methods of the application, each registered by generated code from a module initializer. The web
/// layer gives each an action id and serves calls to those ids only. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ServerFunctions
{
    private static readonly ConcurrentDictionary<string, ServerFunction> ByName = new(StringComparer.Ordinal);

    /// <summary>Registers a server function (called by generated code).</summary>
    /// <param name="function">The function.</param>
    public static void Register(ServerFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        ByName[function.Name] = function;
    }

    /// <summary>Every registered server function.</summary>
    public static IReadOnlyCollection<ServerFunction> All => ByName.Values.ToArray();

    /// <summary>
    /// The instance of the class of an instance server function, from the request's services (called by generated code).
    /// </summary>
    /// <typeparam name="T">The class.</typeparam>
    /// <param name="services">The request's services.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="InvalidOperationException">The class is not registered.</exception>
    public static T Resolve<T>(IServiceProvider services)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService<T>() ?? throw new InvalidOperationException(typeof(T).IsInterface
            ? $"The [UseServer] interface {typeof(T)} has no implementation in the server's services. Declare a class in the server project that implements it (Strata registers it), or register one: builder.Services.AddScoped<{typeof(T).Name}, YourImplementation>()."
            : $"The server function's class {typeof(T)} is not registered for dependency injection. Register it (for example builder.Services.AddScoped<{typeof(T).Name}>()), or make the [UseServer] method static.");
    }

    /// <summary>
    /// Runs the module initializers of the loaded assemblies that reference Strata (and of the entry assembly's references
    /// that do), so that their server functions are registered before the first call.
    /// </summary>
    public static void EnsureRegistered()
    {
        var strata = typeof(ServerFunctions).Assembly.GetName().Name;
        var assemblies = AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic).ToList();
        if (System.Reflection.Assembly.GetEntryAssembly() is { } entry)
        {
            foreach (var reference in entry.GetReferencedAssemblies())
            {
                try
                {
                    assemblies.Add(System.Reflection.Assembly.Load(reference));
                }
                catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // not deployed with the application: it declares no server function that can run here
                }
            }
        }

        foreach (var assembly in assemblies.Distinct())
        {
            if (assembly.GetReferencedAssemblies().Any(r => r.Name == strata))
            {
                System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            }
        }
    }
}
