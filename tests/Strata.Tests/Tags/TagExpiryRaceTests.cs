using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Tags;

/// <summary>
/// An invalidation is never lost: a read that happens before a tag's expiry time has passed must not stop later reads from
/// checking that tag (issue 8, defect 2).
/// </summary>
public sealed class TagExpiryRaceTests
{
    private static readonly int[] Versions = new int[50];

    [Fact]
    public async Task ATagThatExpiresLater_StillExpiresAnEntryThatWasReadBeforeThen()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string tag) =>
        {
            await Task.Yield();
            CacheTag(tag);
            return $"{tag}#{calls.Next()}";
        });
        await get("products");
        t.Advance(1);

        await RevalidateTag("products", new CacheLifeProfile { Expire = 5 }); // stale now, expires in 5 s
        t.Advance(1);
        await get("products"); // stale: served once, refreshed in the background
        await t.Runtime.FlushAsync();
        var refreshed = await get("products"); // made after the tag became stale, before it expires
        Assert.Equal(refreshed, await get("products"));

        t.Advance(5); // the tag's expiry has passed; it expires every entry made before it
        var afterExpiry = await get("products");

        Assert.NotEqual(refreshed, afterExpiry);
        Assert.Equal(3, calls.Count);
    }

    [Fact]
    public async Task OnTheSystemClock_UpdateTagInAnAction_IsSeenByEveryLaterRead()
    {
        // The system clock is the one the coarse clock serves; 50 keys make a read inside its refresh window all but certain.
        var runtime = new CacheRuntime(new StrataOptions { BuildId = "test-" + Guid.NewGuid().ToString("N") });
        using var use = runtime.Use();
        var version = Versions;
        var get = Function(async (int i) =>
        {
            await Task.Yield();
            CacheTag($"item-{i}");
            return $"{i}@{Volatile.Read(ref Versions[i])}"; // a static: read, not captured into the key
        });

        var lost = new List<int>();
        for (var i = 0; i < version.Length; i++)
        {
            Assert.Equal($"{i}@0", await get(i));
            Volatile.Write(ref version[i], 1);
            using (runtime.BeginRequest(phase: CacheRequestPhase.Action))
            {
                await UpdateTag($"item-{i}");
            }

            string first;
            using (runtime.BeginRequest(phase: CacheRequestPhase.Render))
            {
                first = await get(i);
            }

            var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 2 * SystemClock.Period;
            SpinWait.SpinUntil(() => SystemClock.NowMs > after, TimeSpan.FromSeconds(5));
            using (runtime.BeginRequest(phase: CacheRequestPhase.Render))
            {
                var later = await get(i);
                if (first != $"{i}@1" || later != $"{i}@1")
                {
                    lost.Add(i);
                }
            }
        }

        Assert.True(lost.Count == 0, $"UpdateTag was lost for {lost.Count} of {version.Length} keys: {string.Join(", ", lost)}");
    }
}
