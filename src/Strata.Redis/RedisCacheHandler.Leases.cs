using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;
using Strata.Redis.Internal;

namespace Strata.Redis;

/// <summary>
/// Distributed stampede protection. A miss takes the key's lease (<c>SET {prefix}{key}:l &lt;instance&gt; NX PX</c>) and
/// returns nothing, so this instance runs the function; storing the value ends the lease and publishes <c>k|key</c>. A
/// miss that finds the lease taken, by another instance or by this one, waits for that message (or the local store, or a
/// poll, or <see cref="RedisCacheHandlerOptions.LeaseWaitTimeout"/>) and returns the value that landed. A failed fill ends the lease with <c>a|key</c>, and one of the waiters takes it.
/// A background refresh takes the same lease for <see cref="StrataOptions.FailSafeRetryInterval"/> (at least a second, at
/// most <see cref="RedisCacheHandlerOptions.LeaseDuration"/>): a successful refresh ends it when it stores the value; a
/// failed one lets it lapse, so the cluster retries a failing refresh at most once per that interval.
/// </summary>
public sealed partial class RedisCacheHandler
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Leases this instance holds: when they lapse (Stopwatch) and whether they are for a background refresh.</summary>
    private readonly ConcurrentDictionary<CacheKey, Lease> _leases = new();

    /// <summary>Misses of this instance waiting for another instance's fill, by key.</summary>
    private readonly ConcurrentDictionary<CacheKey, KeyWaiters> _waiters = new();

    /// <inheritdoc />
    public async ValueTask<bool> TryBeginRefreshAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable)
        {
            return true;
        }

        if (HoldsLease(key))
        {
            return false;
        }

        try
        {
            if (!await TryTakeLeaseAsync(key, _refreshLeaseDuration, refresh: true).ConfigureAwait(false))
            {
                return false;
            }

            if ((await ReadAsync(key).ConfigureAwait(false)).Entry is { } current && !IsStale(current))
            {
                // Another instance refreshed it between this instance's stale read and now.
                await StoreAndReleaseAsync(key, [], -1, stored: true).ConfigureAwait(false);
                return false;
            }

            return true;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            OnFailure(ex);
            return true;
        }
    }

    /// <summary>
    /// A miss: take the lease and return <see langword="null"/> (run the function here), or wait for the instance that
    /// holds it and return what it stored. Returns <see langword="null"/> when the wait times out or Redis fails.
    /// </summary>
    private async Task<CacheEntry?> MissAsync(CacheKey key)
    {
        if (_leases.TryGetValue(key, out var own) && own.IsRefresh && HoldsLease(key))
        {
            // This instance refreshes the key in the background: the engine joins that run if it is still going, or runs
            // the function itself if it failed.
            return null;
        }

        var started = Stopwatch.GetTimestamp();
        TaskCompletionSource? signal = null;
        try
        {
            while (true)
            {
                // Waiting starts before the lease is tried: a fill that ends (or is given up) after this point wakes this
                // caller, even when it ends before this caller's lease attempt returns, so no wake-up is missed.
                if (signal is null || signal.Task.IsCompleted)
                {
                    signal = Listen(key);
                }

                try
                {
                    // A lease this instance holds means its own fill is running: wait for it like any other waiter.
                    if (!HoldsLease(key) && await TryTakeLeaseAsync(key, _options.LeaseDuration, refresh: false).ConfigureAwait(false))
                    {
                        if ((await ReadAsync(key).ConfigureAwait(false)).Entry is { } stored)
                        {
                            // Another instance stored it and ended its lease between our read and our lease: use it.
                            await StoreAndReleaseAsync(key, [], -1, stored: true).ConfigureAwait(false);
                            return stored;
                        }

                        return null;
                    }
                }
                catch (Exception ex) when (IsOutage(ex))
                {
                    OnFailure(ex);
                    return null;
                }

                if ((await ReadAsync(key).ConfigureAwait(false)).Entry is { } landed)
                {
                    return landed; // it landed between the lease check and now
                }

                var remaining = _options.LeaseWaitTimeout - Stopwatch.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero || !IsAvailable)
                {
                    return null; // waited long enough: run the function here
                }

                try
                {
                    await signal.Task.WaitAsync(remaining < PollInterval ? remaining : PollInterval, _disposed.Token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // poll: the message may have been lost
                }
                catch (OperationCanceledException)
                {
                    return null;
                }

                if ((await ReadAsync(key).ConfigureAwait(false)).Entry is { } entry)
                {
                    return entry;
                }

                if (!IsAvailable)
                {
                    return null;
                }

                // Not there yet (a poll, or the fill was abandoned): take the lease if it is free, else wait again.
            }
        }
        finally
        {
            if (signal is not null)
            {
                StopListening(key, signal);
            }
        }
    }

    private async Task<bool> TryTakeLeaseAsync(CacheKey key, TimeSpan duration, bool refresh)
    {
        var taken = await Timed(Database.StringSetAsync(LeaseKey(key), InstanceId, duration, When.NotExists)).ConfigureAwait(false);
        if (taken)
        {
            _leases[key] = new Lease(Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency), refresh);
        }

        return taken;
    }

    private bool HoldsLease(CacheKey key)
    {
        if (_leases.IsEmpty || !_leases.TryGetValue(key, out var lease))
        {
            return false;
        }

        if (Stopwatch.GetTimestamp() < lease.Lapses)
        {
            return true;
        }

        _leases.TryRemove(new KeyValuePair<CacheKey, Lease>(key, lease));
        return false;
    }

    /// <summary>Ends this instance's lease on a key without storing anything (the fill failed).</summary>
    private Task ReleaseLeaseAsync(CacheKey key, bool stored) =>
        HoldsLease(key) ? StoreAndReleaseAsync(key, [], -1, stored) : Task.CompletedTask;

    /// <summary>Stores the value (unless <paramref name="timeToLive"/> is -1) and ends the lease, telling waiting instances.</summary>
    private async Task StoreAndReleaseAsync(CacheKey key, byte[] bytes, long timeToLive, bool stored)
    {
        _leases.TryRemove(key, out _);
        if (!IsAvailable)
        {
            return;
        }

        try
        {
            var keys = new RedisKey[] { EntryKey(key), LeaseKey(key) };
            var args = new RedisValue[] { bytes, timeToLive, InstanceId, _channel.ToString(), (stored ? "k|" : "a|") + key.ToString() };
            await Timed(Database.ScriptEvaluateAsync(RedisScripts.StoreAndRelease, keys, args)).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            OnFailure(ex);
        }
    }

    /// <summary>Registers a caller waiting for a fill of <paramref name="key"/>: its own signal, set by <see cref="WakeWaiters"/>.</summary>
    private TaskCompletionSource Listen(CacheKey key)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            var waiters = _waiters.GetOrAdd(key, static _ => new KeyWaiters());
            lock (waiters)
            {
                if (!waiters.Closed)
                {
                    waiters.Signals.Add(signal);
                    return signal;
                }
            }
        }
    }

    /// <summary>A waiter leaves: only its own signal goes, so waiters sharing the key keep theirs.</summary>
    private void StopListening(CacheKey key, TaskCompletionSource signal)
    {
        if (!_waiters.TryGetValue(key, out var waiters))
        {
            return;
        }

        lock (waiters)
        {
            waiters.Signals.Remove(signal);
            if (waiters.Signals.Count == 0 && !waiters.Closed)
            {
                waiters.Closed = true;
                _waiters.TryRemove(new KeyValuePair<CacheKey, KeyWaiters>(key, waiters));
            }
        }
    }

    /// <summary>A fill of <paramref name="key"/> ended here or elsewhere (stored or given up): every waiter looks again.</summary>
    private void WakeWaiters(CacheKey key)
    {
        if (!_waiters.TryRemove(key, out var waiters))
        {
            return;
        }

        TaskCompletionSource[] signals;
        lock (waiters)
        {
            waiters.Closed = true;
            signals = [.. waiters.Signals];
            waiters.Signals.Clear();
        }

        foreach (var signal in signals)
        {
            signal.TrySetResult();
        }
    }

    private readonly record struct Lease(long Lapses, bool IsRefresh);

    /// <summary>The callers waiting for a fill of one key; closed once woken or empty (a new set is made for later waiters).</summary>
    private sealed class KeyWaiters
    {
        public List<TaskCompletionSource> Signals { get; } = [];

        public bool Closed { get; set; }
    }
}
