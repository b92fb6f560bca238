using System.Diagnostics.Metrics;

namespace Strata;

/// <summary>
/// The instruments Strata publishes on the <c>Strata</c> meter (System.Diagnostics.Metrics), each tagged with the cache
/// kind: <c>strata.cache.hits</c>, <c>strata.cache.misses</c>, <c>strata.cache.stale_hits</c>,
/// <c>strata.cache.revalidations</c>, <c>strata.cache.evictions</c> and <c>strata.cache.memory.bytes</c>.
/// </summary>
internal sealed class StrataMetrics
{
    public const string MeterName = "Strata";

    private static StrataMetrics? s_shared;

    public StrataMetrics(Meter meter)
    {
        Meter = meter;
        Hits = meter.CreateCounter<long>("strata.cache.hits", "{hit}", "Reads served from the cache while fresh.");
        Misses = meter.CreateCounter<long>("strata.cache.misses", "{miss}", "Reads that ran the function and waited for it.");
        StaleHits = meter.CreateCounter<long>("strata.cache.stale_hits", "{hit}", "Reads served stale while a background refresh runs.");
        Revalidations = meter.CreateCounter<long>("strata.cache.revalidations", "{revalidation}", "Background refreshes of stale entries.");
        Evictions = meter.CreateCounter<long>("strata.cache.evictions", "{entry}", "Entries the memory handler evicted to stay within its budget.");
        Bytes = meter.CreateUpDownCounter<long>("strata.cache.memory.bytes", "By", "Bytes held by memory handlers.");
    }

    public static StrataMetrics Shared => s_shared ??= new StrataMetrics(new Meter(MeterName, "1.0"));

    public Meter Meter { get; }

    public Counter<long> Hits { get; }

    public Counter<long> Misses { get; }

    public Counter<long> StaleHits { get; }

    public Counter<long> Revalidations { get; }

    public Counter<long> Evictions { get; }

    public UpDownCounter<long> Bytes { get; }

    public static KeyValuePair<string, object?> Kind(string kind) => new("strata.cache.kind", kind);
}
