using System.Reflection.Metadata;

[assembly: MetadataUpdateHandler(typeof(Strata.HotReload))]

namespace Strata;

/// <summary>
/// Hot reload (<c>dotnet watch</c>, Visual Studio's Hot Reload): .NET calls <see cref="ClearCache"/> after it applied an
/// edit to the running application. Every live runtime then starts new keys (<see cref="CacheRuntime.OnCodeUpdated"/>), so
/// an edited method or component never serves what its old code cached. Only runs where the runtime applies edits
/// (Development, with a debugger or <c>dotnet watch</c>); in a normal process it is never called.
/// </summary>
internal static class HotReload
{
    private static readonly List<WeakReference<CacheRuntime>> Runtimes = [];

    public static void Register(CacheRuntime runtime)
    {
        lock (Runtimes)
        {
            Runtimes.RemoveAll(static r => !r.TryGetTarget(out _));
            Runtimes.Add(new WeakReference<CacheRuntime>(runtime));
        }
    }

    /// <summary>Called by .NET's hot reload agent after an edit was applied.</summary>
    /// <param name="updatedTypes">The types the edit changed, or <see langword="null"/> when unknown. Every entry is re-keyed either way: a cached function's result also depends on the code it calls.</param>
    internal static void ClearCache(Type[]? updatedTypes)
    {
        _ = updatedTypes;
        CacheRuntime[] live;
        lock (Runtimes)
        {
            live = [.. Runtimes.Select(r => r.TryGetTarget(out var runtime) ? runtime : null).OfType<CacheRuntime>()];
        }

        foreach (var runtime in live)
        {
            runtime.OnCodeUpdated();
        }
    }
}
