using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Runtime;

public sealed class HotReloadTests
{
    // OnCodeUpdated is what the hot reload handler calls on every live runtime; HotReloadHandlerTests checks that it does.
    [Fact]
    public async Task ACodeUpdate_ReKeysEveryEntry_SoTheEditedFunctionRunsAgain()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function((int id) => Task.FromResult($"{id}:{calls.Next()}"));
        Assert.Equal("1:1", await get(1));
        Assert.Equal("1:1", await get(1)); // a hit (outside a request: through the function's front table from now on)
        Assert.Equal("1:1", await get(1));

        t.Runtime.OnCodeUpdated();

        Assert.Equal("1:2", await get(1)); // not the value the old code made
        Assert.Equal("1:2", await get(1)); // cached again under the new key
    }

    [Fact]
    public async Task ACodeUpdate_ReKeysEntriesInsideARequestToo_AndEmptiesTheMemoryHandler()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(() => Task.FromResult(calls.Next()));
        using (t.Runtime.BeginRequest())
        {
            Assert.Equal(1, await get());
        }

        t.Runtime.OnCodeUpdated();

        using (t.Runtime.BeginRequest())
        {
            Assert.Equal(2, await get());
        }

        Assert.Contains(t.Logs.Entries, e => e.Message.Contains("Code was updated (hot reload)", StringComparison.Ordinal));
    }
}

/// <summary>Re-keys every runtime in the process: runs alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(HotReloadHandlerTests), DisableParallelization = true)]
public sealed class HotReloadHandlerCollection;

[Collection(nameof(HotReloadHandlerTests))]
public sealed class HotReloadHandlerTests
{
    [Fact]
    public async Task TheMetadataUpdateHandler_ReKeysEveryLiveRuntime()
    {
        var handler = typeof(CacheRuntime).Assembly.GetCustomAttributes(typeof(System.Reflection.Metadata.MetadataUpdateHandlerAttribute), false)
            .Cast<System.Reflection.Metadata.MetadataUpdateHandlerAttribute>().Single().HandlerType;
        var clearCache = handler.GetMethod("ClearCache", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!;
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(() => Task.FromResult(calls.Next()));
        Assert.Equal(1, await get());

        clearCache.Invoke(null, [new[] { typeof(HotReloadTests) }]); // as .NET's hot reload agent calls it

        Assert.Equal(2, await get());
    }
}
