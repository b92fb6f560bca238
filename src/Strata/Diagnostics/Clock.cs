namespace Strata;

/// <summary>
/// Unix milliseconds from a <see cref="TimeProvider"/>, with one semantics for stamping and comparing: a comparison never
/// sees a time earlier than a stamp this process already handed out. <see cref="StampMs"/> (entry timestamps, tag
/// invalidations) always asks the provider. <see cref="ReadMs"/> (freshness checks on every read) takes a cheaper path for
/// the system clock: a value a background thread refreshes every few milliseconds, which every stamp also moves forward, so
/// an invalidation is in effect for every read that starts after it. A fake <see cref="TimeProvider"/> is always asked
/// directly, so tests control time exactly.
/// </summary>
internal sealed class Clock(TimeProvider time)
{
    private readonly bool _isSystem = ReferenceEquals(time, TimeProvider.System);

    public TimeProvider TimeProvider { get; } = time;

    /// <summary>The time to stamp entries and invalidations with: exactly what the provider says.</summary>
    public long StampMs
    {
        get
        {
            var now = TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            if (_isSystem)
            {
                SystemClock.Observe(now);
            }

            return now;
        }
    }

    /// <summary>The time to compare lifetimes with: at most a few milliseconds behind the provider, never behind a stamp.</summary>
    public long ReadMs => _isSystem ? SystemClock.NowMs : TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>
/// The system time in Unix milliseconds, refreshed by a background thread every <see cref="Period"/> ms and moved forward by
/// every stamp (<see cref="Observe"/>), so that it never reads earlier than a stamp already handed out.
/// </summary>
internal static class SystemClock
{
    public const int Period = 4;

    /// <summary>A backward step of the wall clock larger than this is followed (the clock was set back); smaller ones are ignored.</summary>
    private const long MaxHeldBackMs = 1000;

    private static long s_now = Start();

    public static long NowMs => Volatile.Read(ref s_now);

    /// <summary>Moves the clock forward to <paramref name="stampMs"/> if it is behind it.</summary>
    public static void Observe(long stampMs)
    {
        var current = Volatile.Read(ref s_now);
        while (stampMs > current)
        {
            var seen = Interlocked.CompareExchange(ref s_now, stampMs, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static long Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Strata clock" };
        thread.Start();
#pragma warning disable RS0030 // the clock itself: the one place that reads the system time (TimeProvider.System is Strata's default)
        return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
#pragma warning restore RS0030
    }

    private static void Run()
    {
        while (true)
        {
#pragma warning disable RS0030 // the clock's own background thread ticks the coarse system time
            Thread.Sleep(Period);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
#pragma warning restore RS0030
            if (Volatile.Read(ref s_now) - now > MaxHeldBackMs)
            {
                Volatile.Write(ref s_now, now); // the wall clock was set back
            }
            else
            {
                Observe(now);
            }
        }
    }
}
