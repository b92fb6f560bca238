using Strata;
using static Strata.Cache;

namespace Strata.Demo;

/// <summary>A product, immutable: cache hits hand out the same instance, without copying.</summary>
public sealed record Product(string Id, string Name, decimal Price, int Version);

/// <summary>Stands for a database or an API: counts how often it is really called.</summary>
public sealed class Upstream
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async Task<Product> ProductAsync(string id)
    {
        var version = Interlocked.Increment(ref _calls);
        await Task.Delay(20);
        return new Product(id, "Product " + id, 10m + id.Length, version);
    }

    public async Task<decimal> PriceAsync(string id, string currency)
    {
        Interlocked.Increment(ref _calls);
        await Task.Delay(20);
        return currency == "USD" ? 11.50m : 10m;
    }
}

/// <summary>A service with cached methods: Strata's source generator writes the caching subclass; AddStrata() registers it.</summary>
public class Catalog(Upstream upstream)
{
    [UseCache]
    public virtual async Task<Product> GetProduct(string id)
    {
        CacheTag($"product-{id}", "products");
        CacheLife("minutes");
        return await upstream.ProductAsync(id);
    }

    [UseCache]
    public virtual async Task<string> ProductPage(string id)
    {
        CacheTag("pages");
        var product = await GetProduct(id);
        return $"<h1>{product.Name}</h1><p>{product.Price:0.00}</p>";
    }
}
