using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Scopes;

/// <summary>
/// The front table lets a cached function with simple arguments find its entry without encoding a key. It must never serve
/// what a read of the handler would not, and each test checks that the front path was (or was not) the one taken.
/// </summary>
public sealed class FrontTableTests
{
    private static int s_calls;

    private sealed record Item(string Id, int Version);

    /// <summary>A count of runs that lambdas read without capturing anything (a capturing lambda never uses the front table).</summary>
    private static int Next() => Interlocked.Increment(ref s_calls);

    /// <summary>Starts a test: no runs counted yet (the tests of a class run one after another).</summary>
    private static void ResetCount() => Volatile.Write(ref s_calls, 0);

    private static int Calls => Volatile.Read(ref s_calls);

    /// <summary>Whether the front table of the lambda <paramref name="body"/> would serve <paramref name="args"/> now.</summary>
    private static bool ServedByFront<TArgs, TResult>(Delegate body, TArgs args)
        where TArgs : notnull =>
        CacheRuntime.TryFrontHit<TArgs, TResult>(FunctionRegistry.Describe(body, StrataDefaults.DefaultKind, "", 0).Function, args) is not null;

    [Fact]
    public async Task AHitThroughTheHandler_PutsTheEntryInTheFrontTable_WhichServesTheNextHit()
    {
        using var t = new TestRuntime();
        ResetCount();
        Func<string, Task<Item>> body = async id => { await Task.Yield(); return new Item(id, Next()); };
        var get = Function(body);

        var first = await get("a");
        await t.Runtime.FlushAsync(); // the entry is stored: the next hit is a synchronous one
        Assert.False(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("a"))); // a miss does not fill it
        Assert.Same(first, await get("a"));
        Assert.True(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("a")));
        Assert.Same(first, await get("a"));
        Assert.False(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("b")));
        Assert.Equal(1, Calls);
    }

    [Fact]
    public async Task AfterUpdateTag_TheFrontTableDoesNotServeTheOldValue()
    {
        using var t = new TestRuntime();
        ResetCount();
        Func<string, int, Task<Item>> body = async (id, n) => { await Task.Yield(); CacheTag("items"); return new Item(id, Next()); };
        var get = Function(body);
        var first = await get("a", 1);
        await t.Runtime.FlushAsync(); // the entry is stored: the next hit is a synchronous one
        Assert.Same(first, await get("a", 1));
        Assert.True(ServedByFront<(string, int), Item>(body, ("a", 1)));
        t.Advance(1);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
        {
            await UpdateTag("items");
        }

        t.Advance(1);
        Assert.False(ServedByFront<(string, int), Item>(body, ("a", 1)));
        var next = await get("a", 1);
        await t.Runtime.FlushAsync();

        Assert.Equal(2, next.Version);
        Assert.Same(next, await get("a", 1));
        Assert.True(ServedByFront<(string, int), Item>(body, ("a", 1)));
        Assert.Same(next, await get("a", 1));
    }

    [Fact]
    public async Task AfterTheEntryIsRemoved_TheFrontTableDoesNotServeIt()
    {
        using var t = new TestRuntime();
        ResetCount();
        Func<string, Task<Item>> body = async id => { await Task.Yield(); return new Item(id, Next()); };
        var get = Function(body);
        await get("a");
        await t.Runtime.FlushAsync(); // the entry is stored: the next hit is a synchronous one
        await get("a");
        Assert.True(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("a")));

        t.Memory.Clear();

        Assert.False(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("a")));
        Assert.Equal(2, (await get("a")).Version);
    }

    [Fact]
    public async Task AnExpiredOrStaleEntry_IsNotServedByTheFrontTable()
    {
        using var t = new TestRuntime();
        ResetCount();
        Func<string, Task<Item>> body = async id => { await Task.Yield(); CacheLife("seconds"); return new Item(id, Next()); };
        var get = Function(body);
        await get("a");
        await t.Runtime.FlushAsync(); // the entry is stored: the next hit is a synchronous one
        await get("a");
        Assert.True(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("a")));
        t.Advance(2);

        Assert.False(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("a")));
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
    public async Task LambdasThatCaptureVariables_DoNotUseTheFrontTable()
    {
        using var t = new TestRuntime();
        var results = new List<string>();
        foreach (var region in new[] { "eu", "eu", "us", "us" })
        {
            Func<string, Task<string>> body = async id => { await Task.Yield(); return region + ":" + id; };
            var get = Function(body);
            results.Add(await get("a"));
            results.Add(await get("a"));
            Assert.False(ServedByFront<ValueTuple<string>, string>(body, ValueTuple.Create("a")));
        }

        Assert.Equal(["eu:a", "eu:a", "eu:a", "eu:a", "us:a", "us:a", "us:a", "us:a"], results);
    }

    [Fact]
    public async Task ArgumentsWhoseEqualityDiffersFromTheirKey_AreNotConfused()
    {
        using var t = new TestRuntime();
        Func<double, decimal, Task<string>> body = async (x, d) => { await Task.Yield(); return $"{x}|{d}"; };
        var get = Function(body);

        Assert.Equal("0|1.0", await get(0.0, 1.0m));
        Assert.Equal("0|1.0", await get(0.0, 1.0m));
        Assert.Equal("-0|1.00", await get(-0.0, 1.00m));
        Assert.Equal("-0|1.00", await get(-0.0, 1.00m));
        Assert.False(ServedByFront<(double, decimal), string>(body, (0.0, 1.0m))); // doubles and decimals never use it
    }

    [Fact]
    public async Task InsideARequest_TheFrontTableIsNotUsed_AndReadsAreRecordedOnTheRequest()
    {
        using var t = new TestRuntime();
        Func<string, Task<string>> body = async id => { await Task.Yield(); CacheLife(stale: 42); return id; };
        var get = Function(body);
        await get("a");
        await t.Runtime.FlushAsync(); // the entry is stored: the next hit is a synchronous one
        await get("a");
        Assert.True(ServedByFront<ValueTuple<string>, string>(body, ValueTuple.Create("a")));

        using var request = t.Runtime.BeginRequest();
        Assert.False(ServedByFront<ValueTuple<string>, string>(body, ValueTuple.Create("a")));
        await get("a");

        Assert.Equal(42, request.Stale);
    }

    [Fact]
    public async Task WithTwoRuntimes_EachSeesItsOwnEntries()
    {
        using var a = new TestRuntime();
        ResetCount();
        Func<string, Task<Item>> body = async id => { await Task.Yield(); return new Item(id, Next()); };
        var get = Function(body);
        var fromA = await get("x");
        await a.Runtime.FlushAsync(); // the entry is stored: the next hit is a synchronous one
        await get("x");
        Assert.True(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("x")));

        using (var b = new TestRuntime())
        {
            Assert.False(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("x")));
            Assert.NotSame(fromA, await get("x"));
        }

        Assert.Same(fromA, await get("x"));
    }

    [Fact]
    public async Task DebugLogging_IsPerRuntime_AndOnlyTurnsOffTheFrontTableOfItsRuntime()
    {
        Func<string, Task<Item>> body = async id => { await Task.Yield(); return new Item(id, 1); };
        var get = Function(body);
        using (var debug = new TestRuntime(o => o.DebugCache = true))
        {
            await get("a");
            await debug.Runtime.FlushAsync(); // the entry is stored: the next hit is a synchronous one
            await get("a");
            await get("a");
            Assert.False(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("a")));
            Assert.Equal(2, debug.Logs.Entries.Count(e => e.Message.StartsWith("[strata cache] HIT", StringComparison.Ordinal)));
        }

        using var quiet = new TestRuntime();
        await get("a");
        await quiet.Runtime.FlushAsync(); // the entry is stored: the next hit is a synchronous one
        await get("a");
        Assert.True(ServedByFront<ValueTuple<string>, Item>(body, ValueTuple.Create("a")));
        Assert.DoesNotContain(quiet.Logs.Entries, e => e.Message.StartsWith("[strata cache]", StringComparison.Ordinal));
    }
}
