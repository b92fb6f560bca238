using System.Diagnostics;

namespace Strata.Redis.Internal;

/// <summary>
/// Decides from Redis's own answers whether an outage began: a timeout alone is not one (a reply spike, a saturated
/// instance noticing a reply late), a run of failed operations with no success between them, lasting at least
/// <see cref="SustainedFor"/>, is. A success ends the run. A broken connection is decided elsewhere, at once.
/// </summary>
/// <remarks>
/// Polly v8's circuit breaker (Microsoft.Extensions.Resilience) was evaluated and not used: it closes again after one
/// successful trial (a slow Redis that answers one probe in time would flap), its trial is an arbitrary caller's operation
/// (the handler must write queued invalidations and reconcile tag state before any read trusts Redis again), and it would
/// add a dependency to the package for what is a counter and a timestamp.
/// </remarks>
internal sealed class RedisHealth
{
    /// <summary>Failed operations in a row, at least, before an outage is declared.</summary>
    public const int FailuresInARow = 3;

    /// <summary>How long a run of failures must last before it is an outage: spikes shorter than this are ridden out.</summary>
    public static readonly TimeSpan SustainedFor = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private int _failures;
    private long _firstFailure;

    /// <summary>Redis answered in time: any run of failures ends.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _failures) != 0)
        {
            lock (_gate)
            {
                _failures = 0;
            }
        }
    }

    /// <summary>Redis did not answer in time; returns whether the run of failures has become an outage.</summary>
    public bool Failed()
    {
        lock (_gate)
        {
            if (_failures++ == 0)
            {
                _firstFailure = Stopwatch.GetTimestamp();
            }

            return _failures >= FailuresInARow && Stopwatch.GetElapsedTime(_firstFailure) >= SustainedFor;
        }
    }
}
