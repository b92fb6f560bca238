using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Strata;

namespace Strata.Benchmarks;

/// <summary>The cost of a MISS (run the function, make the entry, store it) and of building a key alone.</summary>
[MemoryDiagnoser]
[Orderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared)]
public class CacheMissAndKeyBenchmarks
{
    private static readonly CacheFunction KeyFunction = CacheFunction.Create("bench.key", "default", "Key", "id", "variant");

    private string _id = "p042";
    private int _variant = 7;
    private int _next;
    private ServiceProvider _services = null!;
    private CacheRuntime _runtime = null!;
    private Func<string, int, Task<Product>> _cached = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddStrata(o => o.BuildId = "bench").Services.BuildServiceProvider();
        _runtime = _services.GetRequiredService<CacheRuntime>();
        CacheRuntime.Default = _runtime; // as a started host makes it: cached lambdas outside requests use it
        _cached = Cache.Function(static (string id, int variant) => Task.FromResult(new Product(id, variant, "Product", 1m)));
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Description = "Strata miss: run, make the entry, store it (new key each call)")]
    public Task<Product> Miss() => _cached(_id, Interlocked.Increment(ref _next));

    [Benchmark(Description = "Strata key alone: encode (string, int) + XxHash128")]
    public CacheKey KeyEncoding()
    {
        var builder = new CacheKeyBuilder(KeyFunction, stackalloc byte[256]);
        builder.Add(_id);
        builder.Add(_variant);
        return builder.Build(42);
    }
}
