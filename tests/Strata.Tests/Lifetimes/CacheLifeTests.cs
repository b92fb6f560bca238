using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Lifetimes;

public sealed class CacheLifeTests
{
    [Theory]
    [InlineData("default", 300, 900, 4294967294)]
    [InlineData("seconds", 30, 1, 60)]
    [InlineData("minutes", 300, 60, 3600)]
    [InlineData("hours", 300, 3600, 86400)]
    [InlineData("days", 300, 86400, 604800)]
    [InlineData("weeks", 300, 604800, 2592000)]
    [InlineData("max", 300, 2592000, 31536000)]
    public async Task BuiltInProfiles_HaveTheNumbersOfNextJs(string profile, double stale, double revalidate, double expire)
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var get = Function(async (string p) =>
        {
            await Task.Yield();
            CacheLife(p);
            return p;
        });

        await get(profile);

        await t.Runtime.FlushAsync();
        var entry = Assert.Single(recorder.Sets);
        Assert.Equal((stale, revalidate, expire), (entry.Stale, entry.Revalidate, entry.Expire));
        Assert.Equal((stale, revalidate, expire), (t.Runtime.Profiles[profile].Stale, t.Runtime.Profiles[profile].Revalidate, t.Runtime.Profiles[profile].Expire));
    }

    [Fact]
    public async Task WithoutCacheLife_AnEntryGetsTheDefaultProfile()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var get = Function(async () => { await Task.Yield(); return 1; });

        await get();

        await t.Runtime.FlushAsync();
        var entry = Assert.Single(recorder.Sets);
        Assert.Equal((300d, 900d, StrataDefaults.InfiniteSeconds), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public async Task ExplicitValues_InSeconds_SetTheEntry()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheLife(expire: 3600);
            return 1;
        });

        await get();

        await t.Runtime.FlushAsync();
        var entry = Assert.Single(recorder.Sets);
        Assert.Equal((300d, 900d, 3600d), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public async Task SeveralCalls_KeepTheMinimumOfEachField()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheLife("hours");
            CacheLife(new CacheLifeProfile { Stale = 100, Expire = 7200 });
            CacheLife(revalidate: 1800);
            CacheLife(revalidate: 2400);
            return 1;
        });

        await get();

        await t.Runtime.FlushAsync();
        var entry = Assert.Single(recorder.Sets);
        Assert.Equal((100d, 1800d, 7200d), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public async Task AnUnknownProfile_IsAnError_ThatSuggestsTheClosestName()
    {
        using var t = new TestRuntime();
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheLife("hour");
            return 1;
        });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => get());

        Assert.StartsWith("Unknown `CacheLife()` profile \"hour\" is not configured in the Strata options", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean \"hours\"?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevalidateGreaterThanExpire_IsAnError()
    {
        using var t = new TestRuntime();
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheLife(revalidate: 100, expire: 10);
            return 1;
        });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => get());

        Assert.StartsWith("If providing both the revalidate and expire options, the expire option must be greater than the revalidate option.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    [InlineData(double.NegativeInfinity)]
    public void InvalidNumbers_InAConfiguredProfile_FailAtStartUp(double value)
    {
        var error = Assert.Throws<ArgumentException>(() => new TestRuntime(o => o.CacheLife["frequent"] = new CacheLifeProfile { Stale = value }));

        Assert.StartsWith("Invalid \"cacheLife.frequent.stale\" provided, expected a finite number of seconds or Infinity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InfinityInAProfile_MeansNever()
    {
        using var t = new TestRuntime(o => o.CacheLife["forever"] = new CacheLifeProfile { Expire = double.PositiveInfinity });

        Assert.Equal(StrataDefaults.InfiniteSeconds, t.Runtime.Profiles["forever"].Expire);
    }

    [Fact]
    public async Task CustomProfiles_FromOptions_CanBeUsedByName()
    {
        using var t = TestRuntime.WithRecorder(out var recorder, o => o.CacheLife["frequent"] = new CacheLifeProfile { Stale = 19, Revalidate = 100, Expire = 300 });
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheLife("frequent");
            return 1;
        });

        await get();

        await t.Runtime.FlushAsync();
        var entry = Assert.Single(recorder.Sets);
        Assert.Equal((19d, 100d, 300d), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public async Task ACustomProfile_LeavesItsMissingFieldsAsTheScopeHasThem()
    {
        using var t = TestRuntime.WithRecorder(out var recorder, o => o.CacheLife["short-expire"] = new CacheLifeProfile { Expire = 1200 });
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheLife("short-expire");
            return 1;
        });

        await get();

        await t.Runtime.FlushAsync();
        var entry = Assert.Single(recorder.Sets);
        Assert.Equal((300d, 900d, 1200d), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public async Task ACustomDefaultProfile_IsBackfilledFromTheBuiltInOne()
    {
        using var t = TestRuntime.WithRecorder(out var recorder, o => o.CacheLife["default"] = new CacheLifeProfile { Revalidate = 60 });
        var get = Function(async () => { await Task.Yield(); return 1; });

        await get();

        await t.Runtime.FlushAsync();
        var entry = Assert.Single(recorder.Sets);
        Assert.Equal((300d, 60d, StrataDefaults.InfiniteSeconds), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public void CacheLifeOutsideACachedFunction_IsAnError()
    {
        using var t = new TestRuntime();

        var error = Assert.Throws<InvalidOperationException>(() => CacheLife("hours"));

        Assert.StartsWith("`CacheLife()` can only be called inside a [UseCache] function. It ran outside any cache scope; the likely causes:", error.Message, StringComparison.Ordinal);
    }
}
