using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Strata.Redis.Benchmarks;

/// <summary>
/// Tag-invalidation propagation between two instances on loopback: the time from the start of <c>UpdateTagsAsync</c> on
/// instance A until instance B has applied the invalidation (its pub/sub message), over many invalidations.
/// </summary>
internal static class Propagation
{
    public static async Task<string> MeasureAsync(int count)
    {
        using var redis = LocalRedis.Start();
        var prefix = "propagation:";
        await using var a = new RedisCacheHandler(new RedisCacheHandlerOptions { Configuration = redis.Configuration, KeyPrefix = prefix, LocalCacheSize = 0 });
        await using var b = new RedisCacheHandler(new RedisCacheHandlerOptions { Configuration = redis.Configuration, KeyPrefix = prefix, LocalCacheSize = 1 << 20 });
        await a.ConnectAsync();
        await b.ConnectAsync();

        var pending = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource>(StringComparer.Ordinal);
        b.TagMessageApplied += tag =>
        {
            if (pending.TryRemove(tag, out var done))
            {
                done.TrySetResult();
            }
        };

        for (var i = 0; i < 50; i++)
        {
            await a.UpdateTagsAsync(["warm-up-" + i], null); // scripts loaded, connections warm
        }

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var tag = "product:" + i.ToString(CultureInfo.InvariantCulture);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[tag] = done;
            var started = Stopwatch.GetTimestamp();
            await a.UpdateTagsAsync([tag], i % 2 == 0 ? null : new TagDurations(31536000));
            await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(samples);
        double Percentile(double p) => samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(p * samples.Length) - 1)];
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Tag-invalidation propagation, instance A -> instance B, {count} invalidations on loopback Redis");
        report.AppendLine(CultureInfo.InvariantCulture, $"(from the start of UpdateTagsAsync on A until B applied the pub/sub message; {Environment.ProcessorCount} cores, machine shared)");
        report.AppendLine();
        report.AppendLine("| statistic | ms |");
        report.AppendLine("|---|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| min | {samples[0]:0.000} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| p50 | {Percentile(0.50):0.000} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| p90 | {Percentile(0.90):0.000} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| p99 | {Percentile(0.99):0.000} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| max | {samples[^1]:0.000} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| mean | {samples.Average():0.000} |");
        return report.ToString();
    }
}
