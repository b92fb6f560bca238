using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Runtime;

/// <summary>
/// Fail-safe: a failing function never replaces a good value with an error. Stale values survive a failed background
/// refresh until they expire; with <see cref="StrataOptions.FailSafeWindow"/> expired values survive a failed blocking
/// regeneration for that long; retries are throttled by <see cref="StrataOptions.FailSafeRetryInterval"/>.
/// </summary>
public sealed class FailSafeTests
{
    private sealed record Item(string Id, int Version);

    private static Func<string, Task<Item>> Catalog(Upstream upstream) => Function(async (string id) =>
    {
        await Task.Yield();
        CacheLife(revalidate: 10, expire: 100);
        CacheTag("items");
        return new Item(id, upstream.Call());
    });

    [Fact]
    public async Task StaleValue_IsServed_WhenBackgroundRefreshThrows()
    {
        using var t = new TestRuntime();
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(20);
        upstream.Failing = true;

        var stale = await get("a");
        await t.Runtime.FlushAsync();
        var again = await get("a");

        Assert.Equal(1, stale.Version);
        Assert.Equal(1, again.Version);
        Assert.Equal(2, upstream.Calls);
    }

    [Fact]
    public async Task FailedBackgroundRefresh_IsLoggedAsWarning()
    {
        using var t = new TestRuntime();
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(20);
        upstream.Failing = true;

        await get("a");
        await t.Runtime.FlushAsync();

        Assert.Contains(t.Logs.Warnings, w => w.Contains("in the background failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailedBackgroundRefresh_IsNotRetried_BeforeRetryInterval()
    {
        using var t = new TestRuntime(o => o.FailSafeRetryInterval = TimeSpan.FromSeconds(10));
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(20);
        upstream.Failing = true;
        await get("a");
        await t.Runtime.FlushAsync();
        var callsAfterFailure = upstream.Calls;

        t.Advance(9);
        await get("a");
        await t.Runtime.FlushAsync();

        Assert.Equal(callsAfterFailure, upstream.Calls);
    }

    [Fact]
    public async Task FailedBackgroundRefresh_IsRetried_AfterRetryInterval()
    {
        using var t = new TestRuntime(o => o.FailSafeRetryInterval = TimeSpan.FromSeconds(10));
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(20);
        upstream.Failing = true;
        await get("a");
        await t.Runtime.FlushAsync();
        upstream.Failing = false;

        t.Advance(11);
        await get("a");
        await t.Runtime.FlushAsync();
        var refreshed = await get("a");

        Assert.Equal(3, refreshed.Version);
    }

    [Fact]
    public async Task ExpiredValue_IsNotServed_WhenFailSafeIsOff()
    {
        using var t = new TestRuntime();
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(101);
        upstream.Failing = true;

        await Assert.ThrowsAsync<UpstreamException>(() => get("a"));
    }

    [Fact]
    public async Task ExpiredValue_IsServed_WithinFailSafeWindow_WhenRegenerationThrows()
    {
        using var t = new TestRuntime(o => o.FailSafeWindow = TimeSpan.FromSeconds(60));
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(150);
        upstream.Failing = true;

        var served = await get("a");

        Assert.Equal(1, served.Version);
    }

    [Fact]
    public async Task FailSafeFallback_IsLoggedAsWarning()
    {
        using var t = new TestRuntime(o => o.FailSafeWindow = TimeSpan.FromSeconds(60));
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(150);
        upstream.Failing = true;

        await get("a");

        Assert.Contains(t.Logs.Warnings, w => w.Contains("fail-safe serves its last good value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredValue_IsNotServed_PastFailSafeWindow()
    {
        using var t = new TestRuntime(o => o.FailSafeWindow = TimeSpan.FromSeconds(60));
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(100 + 61);
        upstream.Failing = true;

        await Assert.ThrowsAsync<UpstreamException>(() => get("a"));
    }

    [Fact]
    public async Task FailSafeValue_IsServedWithoutCallingTheFunction_BeforeRetryInterval()
    {
        using var t = new TestRuntime(o =>
        {
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.FailSafeRetryInterval = TimeSpan.FromSeconds(10);
        });
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(150);
        upstream.Failing = true;
        await get("a");

        t.Advance(5);
        var served = await get("a");

        Assert.Equal(1, served.Version);
        Assert.Equal(2, upstream.Calls);
    }

    [Fact]
    public async Task FunctionRecovering_AfterRetryInterval_ReplacesTheFailSafeValue()
    {
        using var t = new TestRuntime(o =>
        {
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.FailSafeRetryInterval = TimeSpan.FromSeconds(10);
        });
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(110);
        upstream.Failing = true;
        await get("a");
        upstream.Failing = false;

        t.Advance(11);
        var fresh = await get("a");
        var cached = await get("a");

        Assert.Equal(3, fresh.Version);
        Assert.Same(fresh, cached);
    }

    [Fact]
    public async Task FailSafe_DoesNotServeEntries_WhoseTagWasExpired()
    {
        using var t = new TestRuntime(o => o.FailSafeWindow = TimeSpan.FromSeconds(60));
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        await t.Runtime.RevalidateTagAsync("items");
        upstream.Failing = true;

        await Assert.ThrowsAsync<UpstreamException>(() => get("a"));
    }

    [Fact]
    public async Task ConcurrentCallers_OfAFailingRegeneration_AllGetTheFailSafeValue()
    {
        using var t = new TestRuntime(o => o.FailSafeWindow = TimeSpan.FromSeconds(60));
        var upstream = new Upstream();
        var get = Function(async (string id) =>
        {
            var version = await upstream.CallAsync();
            CacheLife(revalidate: 10, expire: 100);
            return new Item(id, version);
        });
        await get("a");
        upstream.Gate = Upstream.ClosedGate();
        t.Advance(120);
        upstream.Failing = true;

        var first = get("a");
        var second = get("a");
        upstream.Gate.SetResult();
        var results = await Task.WhenAll(first, second);

        Assert.All(results, r => Assert.Equal(1, r.Version));
    }

    [Fact]
    public async Task FailSafeValue_IsReportedAsNotFresh_ToTheRequest()
    {
        using var t = new TestRuntime(o => o.FailSafeWindow = TimeSpan.FromSeconds(60));
        var upstream = new Upstream();
        var get = Catalog(upstream);
        await get("a");
        t.Advance(150);
        upstream.Failing = true;

        using var request = t.Runtime.BeginRequest();
        await get("a");

        Assert.Equal(0, request.Revalidate);
    }

    [Fact]
    public async Task Errors_AreNotCached_WhenFailSafeHasNothingToServe()
    {
        using var t = new TestRuntime(o => o.FailSafeWindow = TimeSpan.FromSeconds(60));
        var upstream = new Upstream { Failing = true };
        var get = Catalog(upstream);
        await Assert.ThrowsAsync<UpstreamException>(() => get("a"));
        upstream.Failing = false;

        var value = await get("a");

        Assert.Equal(2, value.Version);
    }

    [Fact]
    public void NegativeFailSafeWindow_IsRejected_WithTheFix()
    {
        var error = Assert.Throws<ArgumentException>(() => new TestRuntime(o => o.FailSafeWindow = TimeSpan.FromSeconds(-1)));

        Assert.Contains("FailSafeWindow", error.Message, StringComparison.Ordinal);
        Assert.Contains("must be zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailSafeOptions_BindFromConfiguration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Strata:FailSafeWindow"] = "00:10:00",
                ["Strata:FailSafeRetryInterval"] = "00:00:30",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddStrata();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StrataOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(10), options.FailSafeWindow);
        Assert.Equal(TimeSpan.FromSeconds(30), options.FailSafeRetryInterval);
    }

    [Fact]
    public void FailSafeOptions_DefaultToOffAndTenSeconds()
    {
        var options = new StrataOptions();

        Assert.Equal(TimeSpan.Zero, options.FailSafeWindow);
        Assert.Equal(TimeSpan.FromSeconds(10), options.FailSafeRetryInterval);
    }
}
