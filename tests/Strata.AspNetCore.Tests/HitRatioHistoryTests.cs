using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Strata.AspNetCore.Dashboard;

namespace Strata.AspNetCore.Tests;

/// <summary>The dashboard's hit-ratio ring: the Strata meter's read counters summed per 10-second bucket, ten minutes kept.</summary>
public sealed class HitRatioHistoryTests
{
    [Fact]
    public void Snapshot_SumsTheReadCountersPerBucket_AndForgetsBucketsOlderThanTheWindow()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var runtime = new CacheRuntime(new StrataOptions(), timeProvider: time);
        using var history = new HitRatioHistory(runtime);
        history.Start();
        using var meter = new Meter("Strata"); // the counters are matched by meter and instrument name, as the engine's are
        var hits = meter.CreateCounter<long>("strata.cache.hits");
        var stale = meter.CreateCounter<long>("strata.cache.stale_hits");
        var misses = meter.CreateCounter<long>("strata.cache.misses");
        var other = meter.CreateCounter<long>("strata.cache.revalidations");

        hits.Add(5);
        stale.Add(2);
        misses.Add(1);
        other.Add(100);
        var first = history.Snapshot();
        time.Advance(TimeSpan.FromSeconds(HitRatioHistory.BucketSeconds));
        hits.Add(3);
        var second = history.Snapshot();
        time.Advance(TimeSpan.FromSeconds(HitRatioHistory.BucketSeconds * HitRatioHistory.Buckets));
        var later = history.Snapshot();

        // Other tests in this process read caches too: their counts land in the current bucket, never in older ones.
        Assert.Equal(HitRatioHistory.Buckets, first.Count);
        Assert.True(first[^1].Hits >= 5 && first[^1].Stale >= 2 && first[^1].Misses >= 1);
        Assert.True(second[^1].Hits >= 3);
        Assert.Equal(first[^1].Start, second[^2].Start);
        Assert.Equal(TimeSpan.FromSeconds(HitRatioHistory.BucketSeconds), second[^1].Start - second[^2].Start);
        Assert.All(later.Take(HitRatioHistory.Buckets - 1), b => Assert.Equal((0L, 0L, 0L), (b.Hits, b.Stale, b.Misses)));
    }
}
