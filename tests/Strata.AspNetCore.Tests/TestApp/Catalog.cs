using static Strata.Cache;

namespace Strata.AspNetCore.Tests.TestApp;

/// <summary>A service with a cached method, read by uncached components (LiveProduct).</summary>
public class Catalog(ProductStore store, Probe probe)
{
    /// <summary>The product's name, tagged product-{id}; counts its runs as "Catalog".</summary>
    [UseCache]
    public virtual async Task<string> GetName(int id)
    {
        CacheTag("product-" + id);
        await Task.Yield();
        probe.Next("Catalog");
        return store.Name(id);
    }
}
