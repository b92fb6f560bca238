using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using static Strata.Cache;

namespace Strata.Tests.Diagnostics;

public sealed class ActivityTests
{
    /// <summary>The span each run of the test's function ran in, by id (a static: read, not captured, by the lambda).</summary>
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<Activity?>> RunSpans = new();

    [Fact]
    public async Task Activities_AreAFillOnAMiss_ARefreshOfAStaleEntry_AndATagUpdate_WithDocumentedNamesAndTags()
    {
        var marker = "activity-" + Guid.NewGuid().ToString("N"); // tests run in parallel: keep this test's spans only
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Strata",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var runtime = new CacheRuntime(new StrataOptions(), timeProvider: time);
        using var use = runtime.Use();
        var get = Function(async (string id) =>
        {
            RunSpans.GetOrAdd(id, _ => new()).Enqueue(Activity.Current);
            await Task.Yield();
            CacheLife("minutes");
            CacheTag(id);
            return id;
        }, "remote");

        await get(marker);
        await get(marker);                          // a hit: no span
        time.Advance(TimeSpan.FromSeconds(61));
        await get(marker);                          // stale: served, refreshed in the background
        await runtime.FlushAsync();
        await RevalidateTag(marker, "max");

        var runs = RunSpans[marker].ToList();
        Assert.Equal(2, runs.Count);                // the fill and the refresh, each in its own span
        Assert.Equal("strata.cache.fill", runs[0]?.OperationName);
        Assert.Equal("strata.cache.refresh", runs[1]?.OperationName);
        Assert.All(runs, span =>
        {
            Assert.Equal("remote", span!.GetTagItem("strata.cache.kind"));
            Assert.False(string.IsNullOrEmpty(span.GetTagItem("strata.cache.function") as string));
        });
        var update = Assert.Single(spans, s => s.OperationName == "strata.cache.update_tags" && s.GetTagItem("strata.cache.tags") is string[] tags && tags.SequenceEqual([marker]));
        Assert.NotNull(update.GetTagItem("strata.cache.tags.expire")); // RevalidateTag with a profile: stale now, expires later
    }
}
