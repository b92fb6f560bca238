using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Scenarios;

/// <summary>The engine-level counterparts of the Next.js use-cache scenarios (nextjs-behaviour.md §8.1).</summary>
public sealed class NextJsScenarioTests
{
    private sealed record Random(int N, Guid Value);

    [Fact]
    public async Task Scenario01_SameArgumentsHit_DifferentArgumentsMiss()
    {
        using var t = new TestRuntime();
        var getRandom = Function(async (int n) => { await Task.Yield(); return new Random(n, Guid.NewGuid()); });

        var n1 = await getRandom(1);
        var n2 = await getRandom(2);
        var n1Again = await getRandom(1);

        Assert.Equal(n1.Value, n1Again.Value);
        Assert.NotEqual(n1.Value, n2.Value);
    }

    [Fact]
    public async Task Scenario03_BinaryAndComplexArguments()
    {
        using var t = new TestRuntime();
        var get = Function(async (byte[] bytes, Dictionary<string, int[]> map) => { await Task.Yield(); return Guid.NewGuid(); });
        byte[] a1 = [0xff, 0xfe, 0xa1];
        byte[] e2 = [0xff, 0xfe, 0xe2];
        var map = new Dictionary<string, int[]> { ["x"] = [1, 2] };

        var a = await get(a1, map);
        var e = await get(e2, map);

        Assert.Equal(a, await get([0xff, 0xfe, 0xa1], new Dictionary<string, int[]> { ["x"] = [1, 2] }));
        Assert.Equal(e, await get(e2, map));
        Assert.NotEqual(a, e);
    }

    [Fact]
    public async Task Scenario04_MemoInsideACache_ReturnsTheSameValueTwice()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest();
        var random = Memo(() => Guid.NewGuid());
        var page = Function(async () => { await Task.Yield(); return (A: random(), B: random()); });

        var (a, b) = await page();

        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Scenario05_ReferentialEquality_AndClosureValuesInTheKey()
    {
        using var t = new TestRuntime();
        using var render = t.Runtime.BeginRequest(phase: CacheRequestPhase.Render);
        var getObject = Function(async (int arg) => { await Task.Yield(); return new { Arg = arg }; });

        async Task<object> GetObjectWithBoundArgs(int arg)
        {
            var inner = Function(async () => { await Task.Yield(); return new { Bound = arg }; });
            return await inner();
        }

        Assert.Same(await getObject(1), await getObject(1));
        Assert.NotSame(await getObject(1), await getObject(2));
        Assert.Same(await GetObjectWithBoundArgs(1), await GetObjectWithBoundArgs(1));
        Assert.NotSame(await GetObjectWithBoundArgs(1), await GetObjectWithBoundArgs(2));
    }

    [Fact]
    public async Task Scenario10_TagSelectiveRevalidation_AcrossSeveralFunctions()
    {
        using var t = new TestRuntime();
        var getCachedWithTag = Function(async (string tag) =>
        {
            await Task.Yield();
            CacheTag(tag, "c");
            return Guid.NewGuid();
        });
        var before = new Dictionary<string, Guid> { ["a"] = await getCachedWithTag("a"), ["b"] = await getCachedWithTag("b") };

        async Task Update(string tag)
        {
            t.Advance(1);
            using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
            {
                await UpdateTag(tag);
            }

            t.Advance(1);
        }

        await Update("a");
        var afterA = new Dictionary<string, Guid> { ["a"] = await getCachedWithTag("a"), ["b"] = await getCachedWithTag("b") };
        await Update("b");
        var afterB = new Dictionary<string, Guid> { ["a"] = await getCachedWithTag("a"), ["b"] = await getCachedWithTag("b") };
        await Update("c");
        var afterC = new Dictionary<string, Guid> { ["a"] = await getCachedWithTag("a"), ["b"] = await getCachedWithTag("b") };

        Assert.NotEqual(before["a"], afterA["a"]);
        Assert.Equal(before["b"], afterA["b"]);
        Assert.Equal(afterA["a"], afterB["a"]);
        Assert.NotEqual(afterA["b"], afterB["b"]);
        Assert.NotEqual(afterB["a"], afterC["a"]);
        Assert.NotEqual(afterB["b"], afterC["b"]);
    }

    [Fact]
    public async Task Scenario15_UpdateTagInAnAction_ThenReadSeesTheNewValue()
    {
        using var t = new TestRuntime();
        var getCachedValue = Function(async () =>
        {
            await Task.Yield();
            CacheTag("revalidate-and-use");
            return Guid.NewGuid();
        });
        var initial = await getCachedValue();
        t.Advance(1);

        using var action = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action);
        var first = await getCachedValue();
        await UpdateTag("revalidate-and-use");
        var second = await getCachedValue();

        Assert.Equal(initial, first);
        Assert.NotEqual(first, second);
        Assert.True(action.PathWasRevalidated);
    }

    [Fact]
    public async Task Scenario16_RevalidateTagWithAProfile_InAnAction_DoesNotRenderThePageAgain_AndLaterRequestsServeTheOldValueOnceThenTheNew()
    {
        // Next.js: clicking "revalidateTag(tag, profile)" leaves the displayed value unchanged (no read-your-own-writes):
        // the action response does not carry the page (pathWasRevalidated stays false); later requests are
        // stale-while-revalidate.
        using var t = new TestRuntime();
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheTag("revalidate-tag-no-refresh");
            return Guid.NewGuid();
        });
        Guid displayed;
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render))
        {
            displayed = await get();
        }

        for (var click = 0; click < 3; click++)
        {
            t.Advance(1);
            var rendersAgain = 0;
            using (var action = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
            {
                action.Revalidated = _ => { rendersAgain++; return Task.CompletedTask; };
                await RevalidateTag("revalidate-tag-no-refresh", "max");
                await action.CompleteAsync();

                Assert.False(action.PathWasRevalidated);
                Assert.Equal(0, rendersAgain);
            }
        }

        t.Advance(1);
        Guid servedStale;
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render))
        {
            servedStale = await get(); // served once more, refreshed in the background
        }

        await t.Runtime.FlushAsync();
        Guid refreshed;
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render))
        {
            refreshed = await get();
        }

        Assert.Equal(displayed, servedStale);
        Assert.NotEqual(displayed, refreshed);
    }

    [Fact]
    public async Task Scenario28_TheHandlerCallPattern_OfAFirstAndASecondRequest()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var implicitTags = ImplicitTags.ForRequest("/", "/");
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheLife(revalidate: 3);
            return Guid.NewGuid();
        });

        Guid first;
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: implicitTags))
        {
            first = await get();
        }

        Assert.Equal(["refreshTags", "get", "set"], recorder.Calls);
        recorder.Clear();

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: implicitTags))
        {
            Assert.Equal(first, await get());
        }

        Assert.Equal(["refreshTags", "get", "getExpiration _N_T_/layout,_N_T_/page,_N_T_/,_N_T_/index"], recorder.Calls);

        t.Advance(4);
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: implicitTags))
        {
            Assert.Equal(first, await get());
        }

        await t.Runtime.FlushAsync();
        Assert.NotEqual(first, await get());
    }

    [Fact]
    public async Task Scenario29_NoHandlerCallsWithoutUseCache()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var cached = Function(async () => { await Task.Yield(); return 1; });
        var memo = Memo((int x) => x * 2);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: ImplicitTags.ForRequest("/no-cache", "/no-cache")))
        {
            // A page that uses the request scope but no cache: per-request memo, draft mode, and no cached function.
            Assert.Equal(4, memo(2));
            Assert.False(DraftMode().IsEnabled);
            await Task.Yield();
        }

        Assert.Empty(recorder.Calls);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: ImplicitTags.ForRequest("/cached", "/cached")))
        {
            await cached();
        }

        Assert.Equal(["refreshTags", "get", "set"], recorder.Calls); // the same request with a cache does reach the handler
    }

    [Fact]
    public async Task Scenario30_ActionTagRevalidation_CallsUpdateTagsOnce_AndNotGetExpiration()
    {
        using var t = TestRuntime.WithRecorder(out var recorder); // "default" and "remote" share the one handler
        var get = Function(async () => { await Task.Yield(); CacheTag("modern"); return Guid.NewGuid(); }, "remote");
        var implicitTags = ImplicitTags.ForRequest("/", "/");
        Guid old;
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: implicitTags))
        {
            old = await get();
        }

        recorder.Clear();
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Action, implicitTags: implicitTags))
        {
            await RevalidateTag("modern", "max");
        }

        Assert.Equal(["updateTags modern"], recorder.Calls); // once per distinct handler, and no getExpiration
        recorder.Clear();
        t.Advance(1);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: implicitTags))
        {
            Assert.Equal(old, await get()); // served stale once, refreshed in the background
        }

        await t.Runtime.FlushAsync();
        Assert.DoesNotContain(recorder.Calls, c => c.StartsWith("updateTags", StringComparison.Ordinal)); // a normal request never updates tags
        Assert.Contains("set", recorder.Calls);
    }

    [Fact]
    public async Task Scenario31_NestedDedupeAndPropagation_WithTheExactLifetimesAndTags()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var inner = Function(async () =>
        {
            await Task.Yield();
            CacheLife(revalidate: 180, expire: 300);
            CacheTag("inner");
            return "inner";
        });
        var outer1 = Function(async () =>
        {
            CacheTag("outer1");
            return "outer1/" + await inner();
        });
        var outer2 = Function(async () =>
        {
            CacheTag("outer2");
            return "outer2/" + await inner();
        });

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render))
        {
            await Task.WhenAll(outer1(), outer2());
        }

        await t.Runtime.FlushAsync();
        var sets = recorder.Sets.Select(e => (e.Revalidate, e.Expire, Tags: string.Join(",", e.Tags))).ToArray();
        Assert.Equal(3, sets.Length);
        Assert.Single(sets, s => s == (180d, 300d, "inner"));
        Assert.Single(sets, s => s == (180d, 300d, "outer1,inner"));
        Assert.Single(sets, s => s == (180d, 300d, "outer2,inner"));
    }
}
