namespace Strata;

/// <summary>
/// Unix milliseconds from a <see cref="TimeProvider"/>. <see cref="StampMs"/> (entry timestamps, tag invalidations) always
/// asks the provider. <see cref="ReadMs"/> (freshness checks on every read) takes a cheaper path for the system clock: a
/// value a background thread refreshes every few milliseconds, so a hit does not pay for a clock read. A fake
/// <see cref="TimeProvider"/> is always asked directly, so tests control time exactly.
/// </summary>
internal sealed class Clock(TimeProvider time)
{
    private readonly bool _isSystem = ReferenceEquals(time, TimeProvider.System);

    public TimeProvider TimeProvider { get; } = time;

    /// <summary>The time to stamp entries and invalidations with: exactly what the provider says.</summary>
    public long StampMs => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The time to compare lifetimes with: at most a few milliseconds behind <see cref="StampMs"/>.</summary>
    public long ReadMs => _isSystem ? SystemClock.NowMs : TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>The system time in Unix milliseconds, refreshed by a background thread every <see cref="Period"/> ms.</summary>
internal static class SystemClock
{
    public const int Period = 4;

    private static long s_now = Start();

    public static long NowMs => Volatile.Read(ref s_now);

    private static long Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Strata clock" };
        thread.Start();
        return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    private static void Run()
    {
        while (true)
        {
            Thread.Sleep(Period);
            Volatile.Write(ref s_now, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
    }
}
