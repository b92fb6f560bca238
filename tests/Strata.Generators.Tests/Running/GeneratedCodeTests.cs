using Microsoft.AspNetCore.Components;
using Strata.Generated;
using Strata.Generators.Tests.Samples;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Running;

/// <summary>The subclasses the generator wrote for this project (Samples/Catalog.cs), run against a real runtime.</summary>
public sealed class GeneratedCodeTests
{
    [Fact]
    public async Task SameArguments_RunTheMethodOnce()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);

        var first = await catalog.GetProduct("a");
        var second = await catalog.GetProduct("a");

        Assert.Equal(1, db.Queries);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task DifferentArguments_RunTheMethodForEach()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);

        var a = await catalog.GetProduct("a");
        var b = await catalog.GetProduct("b");

        Assert.Equal(2, db.Queries);
        Assert.Equal(("a", "b"), (a!.Id, b!.Id));
    }

    [Fact]
    public async Task EveryArgument_IsPartOfTheKey()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);

        var eur = await catalog.GetPrice("a", "EUR");
        var usd = await catalog.GetPrice("a", "USD");
        var eurAgain = await catalog.GetPrice("a", "EUR");

        Assert.Equal(2, db.Queries);
        Assert.Equal(eur, eurAgain);
        Assert.NotEqual(eur, usd);
    }

    [Fact]
    public async Task TheInstance_IsNotPartOfTheKey()
    {
        using var t = new TestRuntime();
        var db = new AppDb();

        await new Catalog_Cached(t.Runtime, db).GetProduct("a");
        await new Catalog_Cached(t.Runtime, db).GetProduct("a");

        Assert.Equal(1, db.Queries);
    }

    [Fact]
    public async Task MethodWithoutUseCache_IsNotCached()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);

        await catalog.Uncached("a");
        await catalog.Uncached("a");

        Assert.Equal(2, db.Queries);
    }

    [Fact]
    public async Task Lifetime_FromCacheLifeInTheBody_ExpiresTheEntry()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);
        await catalog.GetProduct("a");

        t.Advance(86_400 + 1); // past the "hours" profile's expire
        await catalog.GetProduct("a");

        Assert.Equal(2, db.Queries);
    }

    [Fact]
    public async Task CacheTagInTheBody_LetsRevalidateTagRefreshTheEntry()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);
        await catalog.GetProduct("a");

        await t.Runtime.RevalidateTagAsync("product-a");
        t.Advance(1);
        var fresh = await catalog.GetProduct("a");

        Assert.Equal(2, db.Queries);
        Assert.Equal(2, fresh!.Version);
    }

    [Fact]
    public async Task CancellationToken_IsNotPartOfTheKey()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);
        using var one = new CancellationTokenSource();
        using var two = new CancellationTokenSource();

        await catalog.Find("a", one.Token);
        await catalog.Find("a", two.Token);
        await catalog.Find("a", CancellationToken.None);

        Assert.Equal(1, db.Queries);
    }

    [Fact]
    public async Task CancelledToken_ThrowsWithoutRunningTheMethod()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await catalog.Find("a", new CancellationToken(canceled: true)));

        Assert.Equal(0, db.Queries);
    }

    [Fact]
    public async Task TokenCancelledWhileRunning_ReachesTheMethodAndNothingIsCached()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        var gate = new Gate();
        Feed feed = new Feed_Cached(t.Runtime, db, gate);
        using var cts = new CancellationTokenSource();

        var pending = feed.Latest("news", cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        gate.Open();
        var value = await feed.Latest("news", CancellationToken.None);

        Assert.Equal(1, value);
        Assert.Equal(1, db.Queries);
    }

    [Fact]
    public async Task RenderFragmentArguments_ReachTheMethodUntouchedAndAreNotPartOfTheKey()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);
        Func<string, string> exclaim = name => name + "!";
        RenderFragment one = b => b.AddContent(0, "one");
        RenderFragment two = b => b.AddContent(0, "two");

        var first = await catalog.Decorate("a", exclaim, one);
        var second = await catalog.Decorate("a", exclaim, two);

        Assert.Equal("Product a!", first);
        Assert.Equal("Product a!", second);
        Assert.Equal(1, db.Queries);
    }

    [Fact]
    public async Task DelegateArguments_AreKeyedByIdentity()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);

        static Func<string, string> Suffix(string suffix) => name => name + suffix;

        var exclaimed = await catalog.Decorate("a", Suffix("!"));
        var questioned = await catalog.Decorate("a", Suffix("?"));
        var again = await catalog.Decorate("a", Suffix("!"));

        Assert.Equal("Product a!", exclaimed);
        Assert.Equal("Product a?", questioned);
        Assert.Equal(exclaimed, again);
        Assert.Equal(2, db.Queries);
    }

    [Fact]
    public async Task ClassForm_CachesEveryPublicMethod()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Reports reports = new Reports_Cached(t.Runtime, db);
        var day = new DateOnly(2026, 11, 25);

        var daily = await reports.Daily(day);
        var dailyAgain = await reports.Daily(day);
        var numbers = await reports.Numbers(3);
        var numbersAgain = await reports.Numbers(3);

        Assert.Same(daily, dailyAgain);
        Assert.Equal(numbers, numbersAgain);
        Assert.Equal(2, db.Queries);
    }

    [Fact]
    public async Task ValueTaskMethod_IsCached()
    {
        using var t = new TestRuntime();
        var db = new AppDb();
        Catalog catalog = new Catalog_Cached(t.Runtime, db);

        var first = await catalog.Find("a", CancellationToken.None);
        var second = await catalog.Find("a", CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(1, db.Queries);
    }

    [Fact]
    public async Task Hit_AllocatesNothingPerCall()
    {
        using var t = new TestRuntime();
        Catalog catalog = new Catalog_Cached(t.Runtime, new AppDb());
        await catalog.GetProduct("a");
        await catalog.GetProduct("a");

        var completed = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            completed += catalog.GetProduct("a").IsCompletedSuccessfully ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The smallest object is 24 bytes: a per-call allocation would show as at least 24 000 bytes. A few bytes may be
        // allocated once by the runtime itself (tiered compilation) while the loop runs.
        Assert.Equal(1000, completed);
        Assert.True(allocated < 1000, $"{allocated} bytes allocated by 1000 hits");
    }

    [Fact]
    public void CustomKinds_AreDeclaredWhenTheModuleLoads()
    {
        // Archive is never called in this process before this check: its module initializer declared the kind.
        Assert.Contains(Archive.Kind, CacheKinds.All);
    }
}
