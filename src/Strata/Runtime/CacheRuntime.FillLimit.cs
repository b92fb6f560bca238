using Microsoft.Extensions.Logging;

namespace Strata;

/// <summary>
/// The fill limit: a run of a key (a miss shared by its callers, or a background refresh) that has not finished after
/// <see cref="StrataOptions.FillTimeout"/> (<see cref="StrataOptions.PrerenderFillTimeout"/> while prerendering) fails for
/// every caller that joined it with an error naming the function and the limit; the handler's pending write ends without an
/// entry and the key's in-flight slot is freed, so the next call runs the function again. The run itself cannot be stopped:
/// the caller that started it gets what it returns (as it would without a cache), which is not stored. While prerendering,
/// that caller gets the error too: the prerender fails with Next.js's "Filling a cache during prerender timed out".
/// </summary>
public sealed partial class CacheRuntime
{
    private static void ValidateFillLimits(StrataOptions options)
    {
        foreach (var (name, value) in new[] { (nameof(StrataOptions.FillTimeout), options.FillTimeout), (nameof(StrataOptions.PrerenderFillTimeout), options.PrerenderFillTimeout) })
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentException(
                    $"Strata:{name} is {value}; it must be positive (e.g. \"00:01:00\"), or Timeout.InfiniteTimeSpan (\"-00:00:00.001\") for no limit.",
                    nameof(options));
            }
        }
    }

    /// <summary>Starts the limit of a run; dispose the result when the run has ended. <see langword="null"/> when there is no limit.</summary>
    private ITimer? ArmFillLimit(CacheFunction function, CacheKey key, TaskCompletionSource<CacheEntry> completion, InFlight flight, CacheRequest? request)
    {
        var prerender = request is { IsPrerender: true };
        var limit = prerender ? Options.PrerenderFillTimeout : Options.FillTimeout;
        if (limit == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        var state = new FillLimit(this, function, key, completion, flight, limit, prerender ? request!.Route : null, prerender);
        using (ExecutionContext.SuppressFlow())
        {
            return TimeProvider.CreateTimer(static s => ((FillLimit)s!).Expire(), state, limit, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// For the prerendering caller that started a run: its result, or the limit's error when <paramref name="completion"/>
    /// failed first (only the limit completes it before the run has ended).
    /// </summary>
    private static async ValueTask<Result<TResult>> WithinLimitAsync<TResult>(ValueTask<Result<TResult>> run, Task<CacheEntry> completion)
    {
        if (run.IsCompleted)
        {
            return await run.ConfigureAwait(false);
        }

        var task = run.AsTask();
        if (await Task.WhenAny(task, completion).ConfigureAwait(false) != task)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await completion.ConfigureAwait(false); // throws the limit's error
        }

        return await task.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "{Message}")]
    private partial void LogFillTimedOut(string message);

    private sealed class FillLimit(
        CacheRuntime runtime, CacheFunction function, CacheKey key, TaskCompletionSource<CacheEntry> completion, InFlight flight, TimeSpan limit, string? route, bool prerender)
    {
        public void Expire()
        {
            var message = prerender
                ? ErrorMessages.PrerenderFillTimedOut(route, function.DisplayName, function.Kind, limit.TotalSeconds)
                : ErrorMessages.FillTimedOut(function.DisplayName, limit.TotalSeconds);
            if (!completion.TrySetException(new TimeoutException(message)))
            {
                return; // it ended in time
            }

            _ = completion.Task.Exception; // observed: the handler drops it, the callers rethrow it
            runtime._inflight.TryRemove(new KeyValuePair<CacheKey, InFlight>(key, flight));
            runtime.LogFillTimedOut(message);
        }
    }
}
