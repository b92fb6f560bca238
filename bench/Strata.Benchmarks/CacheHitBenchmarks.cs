using System.Collections.Concurrent;
using System.ComponentModel;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Strata;
using ZiggyCreatures.Caching.Fusion;

namespace Strata.Benchmarks;

/// <summary>Small immutable value: every cache can hand it out by reference.</summary>
[ImmutableObject(true)]
public sealed record Product(string Id, int Variant, string Name, decimal Price);

/// <summary>A service with a [UseCache] method: Strata's generator writes the caching subclass.</summary>
public class Catalog
{
    [UseCache]
    public virtual Task<Product> GetProduct(string id, int variant) => Task.FromResult(new Product(id, variant, "Product " + id, 42.42m));
}

/// <summary>A DI singleton whose cached lambda captures <c>this</c>, as an application service usually does.</summary>
public sealed class PriceList
{
    private readonly decimal _price = 42.42m;

    /// <summary>A cached lambda reading a field of the service: <c>this</c> is captured and left out as infrastructure.</summary>
    public Func<string, int, Task<Product>> Cached() =>
        Cache.Function((string id, int variant) => Task.FromResult(new Product(id, variant, "Product 42", Price(id))));

    private decimal Price(string id) => id.Length > 100 ? 0 : _price;
}

/// <summary>
/// One cache HIT for a key made of two arguments (string "p042", int 7) returning a small immutable record, the same
/// shape as the anchor benchmark (shared/anchors/dotnet-caches). Every cache is filled in GlobalSetup, and the setup
/// throws if a benchmark body would run its factory.
/// </summary>
[MemoryDiagnoser]
[Orderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared)]
public class CacheHitBenchmarks
{
    private static readonly Product Seed = new("p042", 7, "Product 42", 42.42m);
    private static int s_factoryCalls;

    private string _id = "p042";
    private int _variant = 7;
    private ConcurrentDictionary<(string, int), Product> _dictionary = null!;
    private MemoryCache _memoryCache = null!;
    private ServiceProvider _services = null!;
    private HybridCache _hybrid = null!;
    private FusionCache _fusion = null!;
    private CacheRuntime _runtime = null!;
    private Func<string, int, Task<Product>> _cachedTask = null!;
    private Func<string, int, ValueTask<Product>> _cachedValueTask = null!;
    private Func<string, int, Task<Product>> _cachedCapturingService = null!;
    private Catalog _catalog = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dictionary = new ConcurrentDictionary<(string, int), Product>();
        _dictionary[("p042", 7)] = Seed;
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _memoryCache.Set("product:p042:7", Seed, TimeSpan.FromHours(1));

        var services = new ServiceCollection();
        services.AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromHours(1), LocalCacheExpiration = TimeSpan.FromHours(1) });
        services.AddSingleton<Catalog>();
        services.AddSingleton<PriceList>();
        services.AddStrata(o => o.BuildId = "bench");
        _services = services.BuildServiceProvider();
        _hybrid = _services.GetRequiredService<HybridCache>();
        _fusion = new FusionCache(new FusionCacheOptions { DefaultEntryOptions = new FusionCacheEntryOptions { Duration = TimeSpan.FromHours(1) } });
        _runtime = _services.GetRequiredService<CacheRuntime>();
        CacheRuntime.Default = _runtime; // as a started host makes it: cached lambdas outside requests use it
        _catalog = _services.GetRequiredService<Catalog>();
        if (_catalog.GetType() == typeof(Catalog))
        {
            throw new InvalidOperationException("AddStrata() did not replace Catalog with its generated cached subclass.");
        }

        _cachedTask = Cache.Function(static (string id, int variant) =>
        {
            Interlocked.Increment(ref s_factoryCalls);
            return Task.FromResult(new Product(id, variant, "Product 42", 42.42m));
        });
        _cachedValueTask = Cache.Function(static (string id, int variant) =>
        {
            Interlocked.Increment(ref s_factoryCalls);
            return new ValueTask<Product>(new Product(id, variant, "Product 42", 42.42m));
        });

        _cachedCapturingService = _services.GetRequiredService<PriceList>().Cached();

        s_factoryCalls = 0;
        Hybrid_GetOrCreateAsync().AsTask().GetAwaiter().GetResult();
        Fusion_GetOrSetAsync().AsTask().GetAwaiter().GetResult();
        Strata_CacheFunction_Task().GetAwaiter().GetResult();
        Strata_CacheFunction_ValueTask().AsTask().GetAwaiter().GetResult();
        _catalog.GetProduct(_id, _variant).GetAwaiter().GetResult();
        Strata_CacheFunction_CapturingService().GetAwaiter().GetResult();
        _runtime.FlushAsync().GetAwaiter().GetResult();
        var filled = s_factoryCalls;
        Strata_CacheFunction_Task().GetAwaiter().GetResult();
        Strata_CacheFunction_ValueTask().AsTask().GetAwaiter().GetResult();
        Hybrid_GetOrCreateAsync().AsTask().GetAwaiter().GetResult();
        Fusion_GetOrSetAsync().AsTask().GetAwaiter().GetResult();
        if (!ReferenceEquals(Strata_CacheFunction_CapturingService().Result, Strata_CacheFunction_CapturingService().Result))
        {
            throw new InvalidOperationException("the lambda capturing a service did not hit");
        }

        if (filled != 4 || s_factoryCalls != filled)
        {
            throw new InvalidOperationException($"expected 4 factory calls while filling and none after, got {filled} then {s_factoryCalls}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _memoryCache.Dispose();
        _fusion.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ConcurrentDictionary.TryGetValue (floor)")]
    public Product? Dictionary_TryGetValue() => _dictionary.TryGetValue((_id, _variant), out var p) ? p : null;

    [Benchmark(Description = "IMemoryCache.TryGetValue")]
    public Product? MemoryCache_TryGetValue() => _memoryCache.TryGetValue($"product:{_id}:{_variant}", out Product? p) ? p : null;

    [Benchmark(Description = "HybridCache.GetOrCreateAsync")]
    public ValueTask<Product> Hybrid_GetOrCreateAsync() =>
        _hybrid.GetOrCreateAsync($"product:{_id}:{_variant}", (_id, _variant), static (s, _) =>
        {
            Interlocked.Increment(ref s_factoryCalls);
            return new ValueTask<Product>(new Product(s._id, s._variant, "Product 42", 42.42m));
        });

    [Benchmark(Description = "FusionCache.GetOrSetAsync")]
    public ValueTask<Product> Fusion_GetOrSetAsync() =>
        _fusion.GetOrSetAsync<Product>($"product:{_id}:{_variant}", static (_, _) =>
        {
            Interlocked.Increment(ref s_factoryCalls);
            return Task.FromResult(Seed);
        });

    [Benchmark(Description = "Strata Cache.Function (Task)")]
    public Task<Product> Strata_CacheFunction_Task() => _cachedTask(_id, _variant);

    [Benchmark(Description = "Strata Cache.Function (ValueTask)")]
    public ValueTask<Product> Strata_CacheFunction_ValueTask() => _cachedValueTask(_id, _variant);

    [Benchmark(Description = "Strata Cache.Function capturing a DI service (Task)")]
    public Task<Product> Strata_CacheFunction_CapturingService() => _cachedCapturingService(_id, _variant);

    [Benchmark(Description = "Strata [UseCache] method")]
    public Task<Product> Strata_UseCacheMethod() => _catalog.GetProduct(_id, _variant);
}
