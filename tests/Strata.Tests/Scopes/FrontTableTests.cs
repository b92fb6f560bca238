using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Scopes;

/// <summary>
/// The front table lets a cached lambda with simple arguments find its entry without encoding a key. It must never serve
/// what a read of the handler would not.
/// </summary>
public sealed class FrontTableTests
{
    private sealed record Item(string Id, int Version);

    [Fact]
    public async Task AfterUpdateTag_TheFrontTableDoesNotServeTheOldValue()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id, int n) => { await Task.Yield(); CacheTag("items"); return new Item(id, calls.Next()); });
        var first = await get("a", 1);
        Assert.Same(first, await get("a", 1));
        Assert.Same(first, await get("a", 1));
        t.Advance(1);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
        {
            await UpdateTag("items");
        }

        t.Advance(1);
        var next = await get("a", 1);

        Assert.Equal(2, next.Version);
        Assert.Same(next, await get("a", 1));
        Assert.Same(next, await get("a", 1));
    }

    [Fact]
    public async Task AfterTheEntryIsRemoved_TheFrontTableDoesNotServeIt()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id) => { await Task.Yield(); return new Item(id, calls.Next()); });
        await get("a");
        await get("a");
        await get("a");

        t.Memory.Clear();

        Assert.Equal(2, (await get("a")).Version);
    }

    [Fact]
    public async Task AnExpiredOrStaleEntry_IsNotServedByTheFrontTable()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id) => { await Task.Yield(); CacheLife("seconds"); return new Item(id, calls.Next()); });
        await get("a");
        await get("a");
        await get("a");
        t.Advance(2);

        var stale = await get("a");
        await t.Runtime.FlushAsync();
        var refreshed = await get("a");
        t.Advance(61);
        var expired = await get("a");

        Assert.Equal(1, stale.Version);
        Assert.Equal(2, refreshed.Version);
        Assert.Equal(3, expired.Version);
    }

    [Fact]
    public async Task LambdasThatCaptureVariables_DoNotShareEntriesThroughTheFrontTable()
    {
        using var t = new TestRuntime();
        var results = new List<string>();
        foreach (var region in new[] { "eu", "eu", "us", "us" })
        {
            var get = Function(async (string id) => { await Task.Yield(); return region + ":" + id; });
            results.Add(await get("a"));
            results.Add(await get("a"));
        }

        Assert.Equal(["eu:a", "eu:a", "eu:a", "eu:a", "us:a", "us:a", "us:a", "us:a"], results);
    }

    [Fact]
    public async Task ArgumentsWhoseEqualityDiffersFromTheirKey_AreNotConfused()
    {
        using var t = new TestRuntime();
        var get = Function(async (double x, decimal d) => { await Task.Yield(); return $"{x}|{d}"; });

        Assert.Equal("0|1.0", await get(0.0, 1.0m));
        Assert.Equal("0|1.0", await get(0.0, 1.0m));
        Assert.Equal("-0|1.00", await get(-0.0, 1.00m));
        Assert.Equal("-0|1.00", await get(-0.0, 1.00m));
    }

    [Fact]
    public async Task InsideARequest_ReadsAreRecordedOnTheRequest()
    {
        using var t = new TestRuntime();
        var get = Function(async (string id) => { await Task.Yield(); CacheLife(stale: 42); return id; });
        await get("a");
        await get("a");
        await get("a");

        using var request = t.Runtime.BeginRequest();
        await get("a");

        Assert.Equal(42, request.Stale);
    }

    [Fact]
    public async Task WithTwoRuntimes_EachSeesItsOwnEntries()
    {
        using var a = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id) => { await Task.Yield(); return new Item(id, calls.Next()); });
        var fromA = await get("x");
        await get("x");
        await get("x");

        using (var b = new TestRuntime())
        {
            Assert.NotSame(fromA, await get("x"));
        }

        Assert.Same(fromA, await get("x"));
    }
}
