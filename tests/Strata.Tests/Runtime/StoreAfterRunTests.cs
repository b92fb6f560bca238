using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Runtime;

/// <summary>
/// The memory handler stores a miss's entry before the run's callers get its value: a caller that comes right after the
/// run finds the entry instead of running the function again (one run per key), and a response that used the value is
/// sent after the value is held (a dashboard or a test that looks at once sees it).
/// </summary>
public sealed class StoreAfterRunTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static int s_runs; // static: a captured local would be part of the key

    [Fact]
    public async Task MissOnTheMemoryHandler_IsHeld_BeforeItsCallerContinues()
    {
        using var t = new TestRuntime();
        s_runs = 0;
        var get = Function(static async (int id) =>
        {
            await Task.Yield(); // the run completes on another thread, as a real fill does
            Interlocked.Increment(ref s_runs);
            return id;
        });

        // The store used to run on a thread-pool continuation of the run: racing the caller, it lost often enough that
        // 200 keys in a row never all won.
        var notHeld = new List<int>();
        for (var id = 0; id < 200; id++)
        {
            await get(id).WaitAsync(Bound);
            if (t.Memory.Count != id + 1)
            {
                notHeld.Add(id);
            }

            await t.Runtime.FlushAsync().WaitAsync(Bound); // the next key starts from a settled handler
        }

        Assert.Empty(notHeld);
        for (var id = 0; id < 200; id++)
        {
            Assert.Equal(id, await get(id).WaitAsync(Bound));
        }

        Assert.Equal(200, s_runs);
    }
}
