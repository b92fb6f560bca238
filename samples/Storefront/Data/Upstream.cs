using System.Collections.Concurrent;

namespace Storefront.Data;

/// <summary>
/// The "upstream": every query to the database goes through here, waits the configured latency (100 ms by default,
/// <c>Storefront:UpstreamLatencyMs</c>) like a remote database or API would, and is counted by source, so that a person (and
/// a test) can see hits, misses and revalidation in the footer and at <c>/api/upstream-calls</c>.
/// </summary>
public sealed class Upstream(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    /// <summary>The simulated latency of one query.</summary>
    public TimeSpan Latency { get; } = TimeSpan.FromMilliseconds(configuration.GetValue("Storefront:UpstreamLatencyMs", 100));

    /// <summary>The calls so far, by source.</summary>
    public IReadOnlyDictionary<string, int> Calls => new SortedDictionary<string, int>(_calls, StringComparer.Ordinal);

    /// <summary>All calls so far.</summary>
    public int Total => _calls.Values.Sum();

    /// <summary>Counts a call to <paramref name="source"/> and waits the latency.</summary>
    public Task Call(string source)
    {
        _calls.AddOrUpdate(source, 1, static (_, n) => n + 1);
        return Latency > TimeSpan.Zero ? Task.Delay(Latency) : Task.CompletedTask;
    }
}
