using static Strata.Cache;

namespace Storefront.Data;

/// <summary>
/// The shop's cached functions: <c>'use cache: remote'</c> functions of the Next.js docs, written with
/// <c>Cache.Function</c>. Each lambda's arguments are its key; <c>CacheTag</c> and <c>CacheLife</c> inside it shape its entry.
/// </summary>
public sealed class CachedShop
{
    // A field, not a captured constructor parameter: the lambdas capture only 'this', which (like a JavaScript module)
    // is not part of their keys; a captured local would be.
    private readonly ShopData _data;

    public CachedShop(ShopData data)
    {
        _data = data;

        // Cached by category only (few values); the price filter runs in memory on the cached list.
        GetProductsByCategory = Function(async (string category) =>
        {
            CacheTag("products", $"products-{category}");
            var products = await _data.GetProductsByCategory(category);
            return new CategoryProducts(category, products, _data.Now);
        }, "remote");

        // Cached per (product, currency): every visitor with the same currency shares the entry.
        GetProductPrice = Function(async (int productId, string currency) =>
        {
            CacheTag($"product-price-{productId}");
            CacheLife(expire: 3600);
            return await _data.GetPrice(productId, currency);
        }, "remote");

        // One entry per language, not per visitor.
        GetHomeContent = Function(async (string language) =>
        {
            CacheLife(expire: 3600);
            return await _data.GetHomeContent(language);
        }, "remote");

        GetGlobalStats = Function(async () =>
        {
            CacheTag("global-stats");
            CacheLife(expire: 60);
            return await _data.GetGlobalStats();
        }, "remote");

        GetFeedItems = Function(async () =>
        {
            CacheTag("feed-items");
            CacheLife(expire: 120);
            return await _data.GetFeed();
        }, "remote");

        GenerateReport = Function(async () =>
        {
            CacheLife(expire: 3600);
            return await _data.GenerateReport();
        }, "remote");
    }

    public Func<string, Task<CategoryProducts>> GetProductsByCategory { get; }

    public Func<int, string, Task<Price>> GetProductPrice { get; }

    public Func<string, Task<HomeContent>> GetHomeContent { get; }

    public Func<Task<GlobalStats>> GetGlobalStats { get; }

    public Func<Task<Feed>> GetFeedItems { get; }

    public Func<Task<Report>> GenerateReport { get; }
}
