using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Diagnostics;

public sealed class DebugAndMetricsTests
{
    [Fact]
    public async Task DebugLogging_LogsMissesSetsHitsAndStaleReads_WithAReadableKey()
    {
        using var t = new TestRuntime(o => o.DebugCache = true);
        var get = Function(async (string id, int n) =>
        {
            await Task.Yield();
            CacheLife("minutes");
            return id + n;
        });

        await get("p042", 7);
        await get("p042", 7);
        t.Advance(61);
        await get("p042", 7);
        await t.Runtime.FlushAsync();

        var lines = t.Logs.Entries.Select(e => e.Message).Where(m => m.StartsWith("[strata cache]", StringComparison.Ordinal)).ToArray();
        Assert.Contains(lines, l => l.Contains("MISS", StringComparison.Ordinal) && l.Contains("(\"p042\", 7)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("SET", StringComparison.Ordinal) && l.Contains("revalidate=60", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("HIT", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("STALE", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("REVALIDATE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_CountHitsMissesStaleHitsAndRevalidations()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var hits = new MetricCollector<long>(meters, "Strata", "strata.cache.hits");
        using var misses = new MetricCollector<long>(meters, "Strata", "strata.cache.misses");
        using var stale = new MetricCollector<long>(meters, "Strata", "strata.cache.stale_hits");
        using var revalidations = new MetricCollector<long>(meters, "Strata", "strata.cache.revalidations");
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var runtime = new CacheRuntime(new StrataOptions(), timeProvider: time, meterFactory: meters);
        using var use = runtime.Use();
        var get = Function(async (string id) => { await Task.Yield(); CacheLife("minutes"); return id; }, "remote");

        await get("a");
        await get("a");
        await get("a");
        time.Advance(TimeSpan.FromSeconds(61));
        await get("a");
        await runtime.FlushAsync();

        Assert.Equal(2, hits.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, misses.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, stale.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, revalidations.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("remote", hits.LastMeasurement!.Tags["strata.cache.kind"]);
    }
}
