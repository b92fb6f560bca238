using System.Runtime.CompilerServices;

namespace Strata.Tests.Support;

/// <summary>
/// A fake data source behind a cached function: counts calls and can be told to fail. It is a pass-through type, so a
/// lambda may capture it without it becoming part of the key.
/// </summary>
internal sealed class Upstream
{
    private int _calls;

    /// <summary>The number of calls so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>When set, calls throw <see cref="UpstreamException"/>.</summary>
    public bool Failing { get; set; }

    /// <summary>What calls made with <see cref="CallAsync"/> wait for first; completed by default.</summary>
    public TaskCompletionSource Gate { get; set; } = CompletedGate();

    /// <summary>Waits for <see cref="Gate"/>, then does <see cref="Call"/>.</summary>
    public async Task<int> CallAsync()
    {
        await Gate.Task.ConfigureAwait(false);
        return Call();
    }

    /// <summary>A new gate that is still closed (complete it with <c>SetResult()</c>).</summary>
    public static TaskCompletionSource ClosedGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource CompletedGate()
    {
        var gate = ClosedGate();
        gate.SetResult();
        return gate;
    }

    /// <summary>Counts a call, then throws if <see cref="Failing"/> is set; returns the call's number.</summary>
    public int Call()
    {
        var n = Interlocked.Increment(ref _calls);
        if (Failing)
        {
            throw new UpstreamException($"upstream call {n} failed");
        }

        return n;
    }

    [ModuleInitializer]
    internal static void RegisterAsPassThrough() => CacheKeyPassThrough.Register(typeof(Upstream));
}

internal sealed class UpstreamException(string message) : Exception(message);
