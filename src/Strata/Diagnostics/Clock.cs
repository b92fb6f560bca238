namespace Strata;

/// <summary>
/// Unix milliseconds from a <see cref="TimeProvider"/>. <see cref="StampMs"/> (entry timestamps, tag invalidations) always
/// asks the provider. <see cref="ReadMs"/> (freshness checks on every read) takes a cheaper path for the system clock:
/// the monotonic tick count, re-based on the wall clock every second, so a hit does not pay for a wall-clock read.
/// </summary>
internal sealed class Clock(TimeProvider time)
{
    private static volatile Base s_base = new(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Environment.TickCount64);

    private readonly bool _isSystem = ReferenceEquals(time, TimeProvider.System);

    public TimeProvider TimeProvider { get; } = time;

    /// <summary>The time to stamp entries and invalidations with: exactly what the provider says.</summary>
    public long StampMs => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The time to compare lifetimes with: within a few milliseconds of <see cref="StampMs"/>.</summary>
    public long ReadMs => _isSystem ? SystemReadMs() : TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static long SystemReadMs()
    {
        var current = s_base;
        var tick = Environment.TickCount64;
        var elapsed = tick - current.Tick;
        if ((ulong)elapsed > 1000)
        {
            current = new Base(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), tick);
            s_base = current;
            return current.UnixMs;
        }

        return current.UnixMs + elapsed;
    }

    private sealed record Base(long UnixMs, long Tick);
}
