using System.Text;
using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Strata.Redis.Benchmarks;

/// <summary>
/// A cache hit on loopback Redis: a raw StackExchange.Redis GET of the same bytes (the floor), the Redis handler reading
/// from Redis (GET, decode, tag check), and the Redis handler with its local tier (a fresh entry served from memory).
/// </summary>
[MemoryDiagnoser]
public class HitLatencyBenchmarks
{
    private static readonly string[] NoTags = [];
    private LocalRedis? _redis;
    private ConnectionMultiplexer? _raw;
    private IDatabase? _database;
    private RedisCacheHandler? _remote;
    private RedisCacheHandler? _tiered;
    private readonly CacheKey _key = new(0x1234_5678_9abc_def0UL);
    private RedisKey _rawKey;

    [GlobalSetup]
    public void Setup()
    {
        _redis = LocalRedis.Start();
        _raw = ConnectionMultiplexer.Connect(_redis.Configuration);
        _database = _raw.GetDatabase();
        _remote = new RedisCacheHandler(new RedisCacheHandlerOptions { Configuration = _redis.Configuration, KeyPrefix = "bench:", LocalCacheSize = 0 });
        _tiered = new RedisCacheHandler(new RedisCacheHandlerOptions { Configuration = _redis.Configuration, KeyPrefix = "bench:", LocalCacheSize = 16 << 20 });
        _remote.ConnectAsync().GetAwaiter().GetResult();
        _tiered.ConnectAsync().GetAwaiter().GetResult();

        // A typical small value: a product record of about 200 bytes of JSON, with one tag.
        var json = Encoding.UTF8.GetBytes("{\"Id\":\"p-42\",\"Name\":\"Espresso machine\",\"Price\":349.99,\"Currency\":\"EUR\",\"Stock\":17,\"Description\":\"Fifteen bar pump, steam wand, 1.8 l tank, stainless steel body.\",\"Updated\":\"2026-11-25T12:00:00Z\"}");
        var entry = new CacheEntry(CacheValue.FromBytes(json, new JsonCacheSerializer()), ["products"], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 300, 3600, 86400);
        _remote.SetAsync(_key, Task.FromResult(entry)).AsTask().GetAwaiter().GetResult();
        _tiered.GetAsync(_key, NoTags).AsTask().GetAwaiter().GetResult(); // fills the local tier
        _rawKey = "bench:raw";
        _database.StringSet(_rawKey, json);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tiered?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _remote?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _raw?.Dispose();
        _redis?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw StackExchange.Redis GET")]
    public async Task<int> RawGet() => ((byte[]?)await _database!.StringGetAsync(_rawKey))!.Length;

    [Benchmark(Description = "Redis handler GetAsync")]
    public async Task<long> RedisHandler() => (await _remote!.GetAsync(_key, NoTags))!.Timestamp;

    [Benchmark(Description = "Redis handler GetAsync, local tier")]
    public async Task<long> RedisHandlerWithLocalTier() => (await _tiered!.GetAsync(_key, NoTags))!.Timestamp;
}
