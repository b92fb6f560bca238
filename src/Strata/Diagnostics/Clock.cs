namespace Strata;

/// <summary>Unix milliseconds from a <see cref="TimeProvider"/>.</summary>
internal sealed class Clock(TimeProvider time)
{
    public TimeProvider TimeProvider { get; } = time;

    public long NowMs => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
