using System.Diagnostics.Metrics;

namespace Strata.AspNetCore.Dashboard;

/// <summary>
/// The dashboard's hit-ratio history: a <see cref="MeterListener"/> on the <c>Strata</c> meter's read counters
/// (<c>strata.cache.hits</c>, <c>strata.cache.stale_hits</c>, <c>strata.cache.misses</c>) summed into a ring of
/// <see cref="Buckets"/> buckets of <see cref="BucketSeconds"/> seconds each (the last ten minutes). It listens only once the
/// dashboard is mapped (<see cref="Start"/>). The counters of every runtime in the process are summed: a process normally
/// has one.
/// </summary>
internal sealed class HitRatioHistory(CacheRuntime runtime) : IDisposable
{
    public const int Buckets = 60;

    public const int BucketSeconds = 10;

    private const int Hits = 0;
    private const int Stale = 1;
    private const int Misses = 2;

    private readonly Lock _gate = new();
    private readonly long[,] _counts = new long[Buckets, 3];
    private long _current = long.MinValue;
    private MeterListener? _listener;

    /// <summary>Starts listening (once).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            _listener = new MeterListener
            {
                InstrumentPublished = static (instrument, listener) =>
                {
                    int? slot = instrument.Meter.Name != "Strata" ? null : instrument.Name switch
                    {
                        "strata.cache.hits" => Hits,
                        "strata.cache.stale_hits" => Stale,
                        "strata.cache.misses" => Misses,
                        _ => null,
                    };
                    if (slot is { } index)
                    {
                        listener.EnableMeasurementEvents(instrument, index);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, state) => Add((int)state!, value));
            _listener.Start();
        }
    }

    /// <summary>The buckets, oldest first: when each began, and its fresh hits, stale hits and misses.</summary>
    public IReadOnlyList<(DateTimeOffset Start, long Hits, long Stale, long Misses)> Snapshot()
    {
        lock (_gate)
        {
            var now = Advance();
            var buckets = new (DateTimeOffset, long, long, long)[Buckets];
            for (var i = 0; i < Buckets; i++)
            {
                var bucket = now - Buckets + 1 + i;
                var slot = Slot(bucket);
                buckets[i] = (DateTimeOffset.FromUnixTimeMilliseconds(bucket * BucketSeconds * 1000), _counts[slot, Hits], _counts[slot, Stale], _counts[slot, Misses]);
            }

            return buckets;
        }
    }

    public void Dispose() => _listener?.Dispose();

    private void Add(int counter, long value)
    {
        lock (_gate)
        {
            _counts[Slot(Advance()), counter] += value;
        }
    }

    /// <summary>Moves the ring to the current bucket, clearing the buckets it passes; returns the current bucket.</summary>
    private long Advance()
    {
        var now = runtime.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / (BucketSeconds * 1000L);
        if (now != _current)
        {
            var from = _current == long.MinValue || now - _current >= Buckets ? now - Buckets + 1 : _current + 1;
            for (var bucket = from; bucket <= now; bucket++)
            {
                var slot = Slot(bucket);
                _counts[slot, Hits] = _counts[slot, Stale] = _counts[slot, Misses] = 0;
            }

            _current = now;
        }

        return now;
    }

    private static int Slot(long bucket) => (int)(((bucket % Buckets) + Buckets) % Buckets);
}
