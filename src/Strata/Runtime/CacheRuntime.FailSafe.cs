using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Strata;

/// <summary>
/// Fail-safe (beyond Next.js): when the function that should replace a value throws, the last good value keeps being
/// served. A stale entry whose background refresh fails is served until it expires (that is plain stale-while-revalidate);
/// with <see cref="StrataOptions.FailSafeWindow"/> an expired entry is also served for that long past its <c>expire</c>
/// when its blocking regeneration fails. Either way the function is not run again for the key before
/// <see cref="StrataOptions.FailSafeRetryInterval"/> has passed, and errors are never cached.
/// </summary>
public sealed partial class CacheRuntime
{
    private const int RetryTableSweepThreshold = 1024;

    /// <summary>Keys whose function failed recently, with the Unix millisecond before which it is not run again.</summary>
    private readonly ConcurrentDictionary<CacheKey, long> _retryAfter = new();

    private static long FailSafeWindowMs(StrataOptions options) => (long)options.FailSafeWindow.TotalMilliseconds;

    private static void ValidateFailSafe(StrataOptions options)
    {
        if (options.FailSafeWindow < TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"Strata:FailSafeWindow is {options.FailSafeWindow}; it must be zero (off, the default) or positive, e.g. \"00:10:00\" to serve the last good value for up to 10 minutes past its expiry.",
                nameof(options));
        }

        if (options.FailSafeRetryInterval < TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"Strata:FailSafeRetryInterval is {options.FailSafeRetryInterval}; it must be zero (retry on the next read) or positive (the default is {StrataDefaults.FailSafeRetryIntervalSeconds} seconds).",
                nameof(options));
        }
    }

    /// <summary>Whether the function of <paramref name="key"/> failed less than <see cref="StrataOptions.FailSafeRetryInterval"/> ago.</summary>
    private bool IsRetryThrottled(CacheKey key, long now)
    {
        if (_retryAfter.IsEmpty || !_retryAfter.TryGetValue(key, out var until))
        {
            return false;
        }

        if (now < until)
        {
            return true;
        }

        _retryAfter.TryRemove(new KeyValuePair<CacheKey, long>(key, until));
        return false;
    }

    private void RecordFailure(CacheKey key)
    {
        var interval = (long)Options.FailSafeRetryInterval.TotalMilliseconds;
        if (interval <= 0)
        {
            return;
        }

        var now = _clock.ReadMs;
        if (_retryAfter.Count >= RetryTableSweepThreshold)
        {
            foreach (var (k, until) in _retryAfter)
            {
                if (until <= now)
                {
                    _retryAfter.TryRemove(new KeyValuePair<CacheKey, long>(k, until));
                }
            }
        }

        _retryAfter[key] = now + interval;
    }

    /// <summary>
    /// A miss or an expired entry: runs the function (once for all concurrent callers). When <paramref name="previous"/> is an
    /// entry that expired less than <see cref="StrataOptions.FailSafeWindow"/> ago and the function throws (or threw less than
    /// <see cref="StrataOptions.FailSafeRetryInterval"/> ago), serves <paramref name="previous"/> instead of the error.
    /// </summary>
    /// <summary>
    /// A miss (<see cref="GenerateSharedAsync"/>; <see langword="null"/> when the caller must look again) that, with <see cref="StrataOptions.FailSafeWindow"/> on, falls back to the
    /// expired <paramref name="previous"/> entry when the function fails (or failed less than FailSafeRetryInterval ago) and
    /// the entry expired less than the window ago. Entries expired by a tag never reach here (the handler drops them).
    /// </summary>
    private async ValueTask<Result<TResult>?> GenerateWithFailSafeAsync<TBody, TResult>(
        CacheFunction function, ICacheHandler handler, CacheKey key, TBody body, CacheRequest? request, CacheEntry? previous, int seen)
        where TBody : struct, ICacheBody<TResult>
    {
        var window = FailSafeWindowMs(Options);
        var now = _clock.ReadMs;
        if (previous is null || window <= 0 || now - previous.ExpireAt > window)
        {
            return await GenerateSharedAsync<TBody, TResult>(function, handler, key, body, request, seen).ConfigureAwait(false);
        }

        if (IsRetryThrottled(key, now))
        {
            if (DebugCache)
            {
                Debug("FAIL-SAFE", function, key, "(the function failed recently: serving the last good value)");
            }

            return FailSafeResult<TResult>(previous);
        }

        try
        {
            return await GenerateSharedAsync<TBody, TResult>(function, handler, key, body, request, seen).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RecordFailure(key);
            LogFailSafe(function.DisplayName, key.Description ?? key.ToString(), (now - previous.ExpireAt) / 1000.0, Options.FailSafeWindow.TotalSeconds, ex);
            return FailSafeResult<TResult>(previous);
        }
    }

    private static Result<TResult> FailSafeResult<TResult>(CacheEntry previous)
    {
        var served = new CacheEntry(previous.Value, previous.TagArray, previous.Timestamp, previous.Stale, 0, previous.Expire);
        return new Result<TResult>(previous.Value.Read<TResult>(), served, CacheReadOutcome.Stale);
    }

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Regenerating {Function} ({Key}) failed; fail-safe serves its last good value, which expired {SecondsPastExpire:0.###} s ago (FailSafeWindow is {WindowSeconds} s). The function is tried again after Strata:FailSafeRetryInterval.")]
    private partial void LogFailSafe(string function, string key, double secondsPastExpire, double windowSeconds, Exception exception);
}
