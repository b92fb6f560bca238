using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Runtime;

/// <summary>
/// The fill limit: a fill that does not finish within <see cref="StrataOptions.FillTimeout"/> (or
/// <see cref="StrataOptions.PrerenderFillTimeout"/> while prerendering) fails for every caller waiting for it, and its key
/// is free again.
/// </summary>
public sealed class FillLimitTests
{
    /// <summary>A real-time bound on awaits that must complete after the fake clock moved; never reached when the engine is right.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static Func<string, Task<int>> Slow(Upstream upstream) => Function(async (string id) =>
    {
        var n = await upstream.CallAsync();
        return n;
    });

    [Fact]
    public async Task JoinedCaller_GetsFillTimeoutError_WhenFillPassesLimit()
    {
        using var t = new TestRuntime(o => o.FillTimeout = TimeSpan.FromSeconds(60));
        var upstream = new Upstream { Gate = Upstream.ClosedGate() };
        var get = Slow(upstream);
        var first = get("a");
        var joined = get("a");

        t.Advance(60);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => joined.WaitAsync(Bound));
        Assert.Contains("did not finish within 60 s (Strata:FillTimeout)", error.Message, StringComparison.Ordinal);
        Assert.False(first.IsCompleted); // the caller that started the fill waits for its own run, as without a cache
    }

    [Fact]
    public async Task Key_IsFreeAgain_AfterFillPassedLimit()
    {
        using var t = new TestRuntime(o => o.FillTimeout = TimeSpan.FromSeconds(60));
        var hungGate = Upstream.ClosedGate();
        var upstream = new Upstream { Gate = hungGate };
        var get = Slow(upstream);
        var hung = get("a");
        var joined = get("a");
        t.Advance(60);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => joined.WaitAsync(Bound));
        Assert.Contains("Strata:FillTimeout", error.Message, StringComparison.Ordinal);

        upstream.Gate = Upstream.ClosedGate();
        upstream.Gate.SetResult();
        var next = await get("a").WaitAsync(Bound); // the hung run has not called upstream yet

        Assert.Equal(1, next);
        hungGate.SetResult(); // the hung run ends: its caller gets call 2, which is not stored
        Assert.Equal(2, await hung.WaitAsync(Bound));
        await t.Runtime.FlushAsync().WaitAsync(Bound);
        Assert.Equal(1, await get("a").WaitAsync(Bound));
    }

    [Fact]
    public async Task LateResultOfTimedOutFill_IsNotStored()
    {
        using var t = new TestRuntime(o => o.FillTimeout = TimeSpan.FromSeconds(60));
        var upstream = new Upstream { Gate = Upstream.ClosedGate() };
        var get = Slow(upstream);
        var hung = get("a");
        var joined = get("a");
        t.Advance(60);
        await Assert.ThrowsAsync<TimeoutException>(() => joined.WaitAsync(Bound));

        upstream.Gate.SetResult(); // the abandoned run ends now, with call 1
        Assert.Equal(1, await hung.WaitAsync(Bound));
        await t.Runtime.FlushAsync().WaitAsync(Bound);
        var next = await get("a").WaitAsync(Bound);

        Assert.Equal(2, next);
    }

    [Fact]
    public async Task Fill_IsNotLimited_WhenFillTimeoutIsInfinite()
    {
        using var t = new TestRuntime(o => o.FillTimeout = Timeout.InfiniteTimeSpan);
        var gate = Upstream.ClosedGate();
        var upstream = new Upstream { Gate = gate };
        var get = Slow(upstream);
        var first = get("a");
        var joined = get("a");

        t.Advance(3600);
        gate.SetResult();

        Assert.Equal(1, await first.WaitAsync(Bound));
        Assert.Equal(1, await joined.WaitAsync(Bound));
    }

    [Fact]
    public async Task HungBackgroundRefresh_FreesKey_AfterLimit()
    {
        using var t = new TestRuntime(o => o.FillTimeout = TimeSpan.FromSeconds(60));
        var upstream = new Upstream();
        var entered = new Gate();
        var get = Function(async (string id) =>
        {
            CacheLife(revalidate: 10, expire: 100000);
            var call = upstream.CallAsync();
            entered.Open();
            return await call;
        });
        Assert.Equal(1, await get("a"));
        t.Advance(20);
        var hungGate = Upstream.ClosedGate();
        upstream.Gate = hungGate;
        entered = new Gate();
        Assert.Equal(1, await get("a")); // stale: a refresh starts and hangs
        await entered.WaitAsync().WaitAsync(Bound);

        t.Advance(60);
        upstream.Gate = Upstream.ClosedGate();
        upstream.Gate.SetResult();
        // Stale reads start a new refresh now that the hung one no longer holds the key; it stores call 2. (Without the
        // limit the hung refresh holds the key and every read returns 1 until the bound.)
        var deadline = DateTime.UtcNow + Bound;
        int value;
        while ((value = await get("a")) == 1 && DateTime.UtcNow < deadline)
        {
            await Task.Yield();
        }

        Assert.Equal(2, value);
        hungGate.SetResult(); // the hung refresh ends with call 3, which is not stored
        await t.Runtime.FlushAsync().WaitAsync(Bound);
        Assert.Equal(3, upstream.Calls);
        Assert.Equal(2, await get("a"));
    }

    [Fact]
    public async Task PrerenderFill_FailsWithNextJsMessage_AfterPrerenderFillTimeout()
    {
        using var t = new TestRuntime();
        var upstream = new Upstream { Gate = Upstream.ClosedGate() };
        var get = Slow(upstream);
        Task<int> fill;
        using (var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, route: "/shell"))
        {
            request.IsPrerender = true;
            fill = get("a");
        }

        t.Advance(49);
        Assert.False(fill.IsCompleted);
        t.Advance(1);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => fill.WaitAsync(Bound));
        Assert.StartsWith("Route /shell: filling a cache during prerender timed out after 50 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("were used inside [UseCache]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Runtime_RejectsFillTimeout_ThatIsNotPositive(int seconds)
    {
        var error = Assert.Throws<ArgumentException>(() => new CacheRuntime(new StrataOptions { FillTimeout = TimeSpan.FromSeconds(seconds) }));
        Assert.Contains("Strata:FillTimeout", error.Message, StringComparison.Ordinal);
    }
}
