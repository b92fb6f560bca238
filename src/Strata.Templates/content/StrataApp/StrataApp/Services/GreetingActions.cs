using Strata;
using static Strata.Cache;

namespace StrataApp.Services;

/// <summary>Server functions ('use server'): every public method can be called from a form or by fetch.</summary>
[UseServer]
public sealed class GreetingActions
{
    private static int s_count;

    /// <summary>How many greetings were made since the app started.</summary>
    public static int Count => Volatile.Read(ref s_count);

    public async Task<string> Greet(string name)
    {
        Interlocked.Increment(ref s_count);
        await UpdateTag("news");    // an action may invalidate cached data; the next render reads its own writes
        return $"Hello, {(string.IsNullOrWhiteSpace(name) ? "stranger" : name.Trim())}!";
    }
}
