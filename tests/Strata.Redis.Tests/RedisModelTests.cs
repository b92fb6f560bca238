using Microsoft.Extensions.Time.Testing;
using Strata.Redis.Tests.Support;
using Strata.Tests.Model;
using Xunit.Abstractions;

namespace Strata.Redis.Tests;

/// <summary>
/// The reference model test (tests/Strata.Tests/Model) against the engine with the Redis handler on a real redis-server, for
/// both the default and the remote kind: without and with its in-memory tier.
/// </summary>
public sealed class RedisModelTests(RedisFixture redis, ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    [Fact]
    public Task RandomSequences_OnTheRedisHandler_AgreeWithTheModel() =>
        ModelSettings.RunAsync(output, time => RedisRuntimeAsync(time, localTier: false), share: 8);

    [Fact]
    public Task RandomSequences_OnTheRedisHandlerWithItsLocalTier_AgreeWithTheModel() =>
        ModelSettings.RunAsync(output, time => RedisRuntimeAsync(time, localTier: true), share: 8);

    private async Task<RuntimeUnderTest> RedisRuntimeAsync(FakeTimeProvider time, bool localTier)
    {
        var options = ModelSettings.Options();
        var handler = new RedisCacheHandler(
            new RedisCacheHandlerOptions
            {
                Configuration = redis.Configuration,
                KeyPrefix = "model-" + Guid.NewGuid().ToString("N") + ":",
                LocalCacheSize = localTier ? 16 << 20 : 0,
                OperationTimeout = TestTimeouts.Operation,
            },
            options,
            time);
        await handler.ConnectAsync();
        var runtime = new CacheRuntime(options, [new("default", handler), new("remote", handler)], time);
        return new RuntimeUnderTest(runtime, handler.DisposeAsync);
    }
}
