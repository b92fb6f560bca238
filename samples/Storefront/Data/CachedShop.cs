using Strata;
using static Strata.Cache;

namespace Storefront.Data;

/// <summary>
/// The shop's cached functions: the <c>'use cache: remote'</c> functions of the Next.js docs, as <c>[UseCache("remote")]</c>
/// methods. Strata's source generator writes a subclass that caches each one by its arguments, and <c>AddStrata()</c>
/// registers it in place of this class, so every component that injects <c>CachedShop</c> reaches the cache.
/// </summary>
public class CachedShop(ShopData data)
{
    /// <summary>Cached by category only (few values); the price filter runs in memory on the cached list.</summary>
    [UseCache("remote")]
    public virtual async Task<CategoryProducts> GetProductsByCategory(string category)
    {
        CacheTag("products", $"products-{category}");
        var products = await data.GetProductsByCategory(category);
        return new CategoryProducts(category, [.. products], data.Now);
    }

    /// <summary>Cached per (product, currency): every visitor with the same currency shares the entry.</summary>
    [UseCache("remote")]
    public virtual async Task<Price> GetProductPrice(int productId, string currency)
    {
        CacheTag($"product-price-{productId}");
        CacheLife(expire: 3600);
        return await data.GetPrice(productId, currency);
    }

    /// <summary>Shared by every visitor for up to a minute, whatever the traffic.</summary>
    [UseCache("remote")]
    public virtual async Task<GlobalStats> GetGlobalStats()
    {
        CacheTag("global-stats");
        CacheLife(expire: 60);
        return await data.GetGlobalStats();
    }

    /// <summary>The feed of an external service, fetched at most every two minutes.</summary>
    [UseCache("remote")]
    public virtual async Task<Feed> GetFeedItems()
    {
        CacheTag("feed-items");
        CacheLife(expire: 120);
        return await data.GetFeed();
    }

    /// <summary>An expensive computation over every order, once an hour.</summary>
    [UseCache("remote")]
    public virtual async Task<Report> GenerateReport()
    {
        CacheLife(expire: 3600);
        return await data.GenerateReport();
    }

    /// <summary>
    /// The seed's <c>getRecommendations</c>: <c>'use cache: private'</c> reads the visitor's session cookie, so it is never
    /// stored on the server (it runs on every request); the browser keeps the page that shows it for 60 s (<c>stale</c>).
    /// </summary>
    [UseCache("private")]
    public virtual async Task<Recommendations> GetRecommendations(int productId)
    {
        CacheTag($"recommendations-{productId}");
        CacheLife(stale: 60);
        var sessionId = Cookies().TryGetValue(Visitor.SessionCookie, out var id) && Visitor.IsSessionId(id) ? id : "guest";
        return await data.GetPersonalizedRecommendations(productId, sessionId);
    }

    /// <summary>What this visitor viewed before (their <c>recently-viewed</c> cookie): private, kept only in their browser.</summary>
    [UseCache("private")]
    public virtual async Task<RecentlyViewed> GetRecentlyViewed()
    {
        CacheLife(stale: 60);
        var ids = Cookies().TryGetValue(Visitor.RecentlyViewedCookie, out var value) ? Visitor.ParseRecentlyViewed(value) : [];
        return await data.GetRecentlyViewed(ids);
    }
}
