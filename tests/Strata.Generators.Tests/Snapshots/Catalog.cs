using System;
using System.Threading;
using System.Threading.Tasks;
using Strata;
using static Strata.Cache;

namespace Shop;

public sealed record Product(string Id, string Name);

public class AppDb
{
    public Task<Product?> Find(string id) => Task.FromResult<Product?>(new Product(id, id));
}

public class Catalog(AppDb db)
{
    [UseCache]
    public virtual async Task<Product?> GetProduct(string id)
    {
        CacheTag($"product-{id}");
        CacheLife("hours");
        return await db.Find(id);
    }

    [UseCache("remote")]
    public virtual Task<decimal> GetPrice(string productId, string currency) => Task.FromResult(1m);

    [UseCache("private")]
    protected internal virtual ValueTask<string> Greeting(string @class, Func<string, string> format, CancellationToken cancellationToken) => new(format(@class));

    public virtual Task<int> NotCached(int a) => Task.FromResult(a);
}
