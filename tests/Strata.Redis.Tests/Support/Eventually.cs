using System.Diagnostics;

namespace Strata.Redis.Tests.Support;

/// <summary>Waits for something that happens on real time outside the test's control (a reconnection), in a bounded loop.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, double seconds = 20)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException($"Gave up after {seconds} s waiting for: {what}.");
            }

            await Task.Delay(25);
        }
    }
}
