using System.Reflection.Metadata;

[assembly: MetadataUpdateHandler(typeof(Strata.AspNetCore.Components.ComponentHotReload))]

namespace Strata.AspNetCore.Components;

/// <summary>
/// Hot reload: after an edit, what Strata worked out about component types (parameters, cache keys, request data) is
/// worked out again, as Blazor does for its own caches. The engine re-keys every entry at the same time.
/// </summary>
internal static class ComponentHotReload
{
    /// <summary>Called by .NET's hot reload agent after an edit was applied.</summary>
    /// <param name="updatedTypes">The types the edit changed (unused: a component's key depends on the components it renders too).</param>
    internal static void ClearCache(Type[]? updatedTypes)
    {
        _ = updatedTypes;
        ComponentTypeInfo.ClearAll();
    }
}
