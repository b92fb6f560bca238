using System.Collections.Concurrent;
using static Strata.Cache;

namespace Storefront.Data;

/// <summary>
/// The routes that mirror the Next.js comparison app (<c>shared/anchors/nextjs</c>), so that the load comparison is like
/// for like: the same 20 generated products, the same 50 ms upstream in the cached list, the same 20 remote-cached prices.
/// </summary>
public sealed class Anchor
{
    public static readonly string[] Categories = ["tools", "garden", "kitchen", "office", "toys"];

    private readonly ConcurrentDictionary<string, int> _executions = new(StringComparer.Ordinal)
    {
        ["productList"] = 0, ["getPrice"] = 0, ["getValue"] = 0,
    };

    public Anchor()
    {
        // 'use cache: remote' + cacheLife({ expire: 3600 })
        GetPrice = Function(async (string id) =>
        {
            CacheLife(expire: 3600);
            CountMiss("getPrice");
            await Task.CompletedTask;
            var n = int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            return new AnchorPrice(id, Math.Round((n * 7.31m) + 3, 2), "USD");
        }, "remote");

        // 'use cache' + cacheLife('hours')
        GetValue = Function(async (int i) =>
        {
            CacheLife("hours");
            CountMiss("getValue");
            await Task.CompletedTask;
            return new AnchorValue(i, "item-" + i, i * 1.5);
        });
    }

    public static IReadOnlyList<string> ProductIds { get; } = MakeProducts(20).Select(p => p.Id).ToArray();

    public Func<string, Task<AnchorPrice>> GetPrice { get; }

    public Func<int, Task<AnchorValue>> GetValue { get; }

    public IReadOnlyDictionary<string, int> Executions => new SortedDictionary<string, int>(_executions, StringComparer.Ordinal);

    public int ExecutionsOf(string name) => _executions.TryGetValue(name, out var n) ? n : 0;

    public void CountMiss(string name) => _executions.AddOrUpdate(name, 1, static (_, n) => n + 1);

    public static IReadOnlyList<AnchorProduct> MakeProducts(int count) =>
        Enumerable.Range(1, count).Select(i => new AnchorProduct("p" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), "Product " + i, Categories[i % Categories.Length], Math.Round((i * 7.31m) + 3, 2))).ToArray();
}

public sealed record AnchorProduct(string Id, string Name, string Category, decimal Price);

public sealed record AnchorPrice(string Id, decimal Price, string Currency);

public sealed record AnchorValue(int I, string Name, double Price);
