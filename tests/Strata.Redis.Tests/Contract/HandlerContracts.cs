using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Strata.DistributedCache;
using Strata.Redis.Tests.Support;
using Strata.Tests.Handlers;

namespace Strata.Redis.Tests.Contract;

/// <summary>The handler contract, against the Redis handler (every read goes to Redis).</summary>
public sealed class RedisCacheHandlerContractTests(RedisFixture redis) : CacheHandlerContractTests, IClassFixture<RedisFixture>
{
    protected override async Task<ICacheHandler> CreateHandlerAsync()
    {
        var handler = new RedisCacheHandler(
            new RedisCacheHandlerOptions { Configuration = redis.Configuration, KeyPrefix = "contract-" + Guid.NewGuid().ToString("N") + ":", LocalCacheSize = 0, OperationTimeout = TestTimeouts.Operation },
            new StrataOptions { Serializer = Serializer },
            Time);
        await handler.ConnectAsync();
        Assert.True(handler.IsAvailable);
        return handler;
    }
}

/// <summary>The handler contract, against the Redis handler with its in-memory tier in front.</summary>
public sealed class RedisCacheHandlerWithLocalTierContractTests(RedisFixture redis) : CacheHandlerContractTests, IClassFixture<RedisFixture>
{
    protected override async Task<ICacheHandler> CreateHandlerAsync()
    {
        var handler = new RedisCacheHandler(
            new RedisCacheHandlerOptions { Configuration = redis.Configuration, KeyPrefix = "contract-" + Guid.NewGuid().ToString("N") + ":", LocalCacheSize = 16 << 20, OperationTimeout = TestTimeouts.Operation },
            new StrataOptions { Serializer = Serializer },
            Time);
        await handler.ConnectAsync();
        Assert.True(handler.IsAvailable);
        return handler;
    }
}

/// <summary>The handler contract, against the IDistributedCache handler over the in-memory distributed cache.</summary>
public sealed class DistributedCacheHandlerContractTests : CacheHandlerContractTests
{
    protected override Task<ICacheHandler> CreateHandlerAsync() =>
        Task.FromResult<ICacheHandler>(new DistributedCacheHandler(
            new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())),
            strataOptions: new StrataOptions { Serializer = Serializer },
            timeProvider: Time));
}

/// <summary>The handler contract, against the IDistributedCache handler over Microsoft's Redis distributed cache.</summary>
public sealed class DistributedCacheHandlerOverRedisContractTests(RedisFixture redis) : CacheHandlerContractTests, IClassFixture<RedisFixture>
{
    private RedisCache? _cache;

    protected override Task<ICacheHandler> CreateHandlerAsync()
    {
        _cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.Configuration, InstanceName = "dc-" + Guid.NewGuid().ToString("N") + ":" }));
        return Task.FromResult<ICacheHandler>(new DistributedCacheHandler(_cache, strataOptions: new StrataOptions { Serializer = Serializer }, timeProvider: Time));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _cache?.Dispose();
    }
}
