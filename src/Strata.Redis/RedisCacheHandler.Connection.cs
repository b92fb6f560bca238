using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Strata.Redis.Internal;

namespace Strata.Redis;

/// <summary>
/// The connection and its health, decided from Redis's own answers. Every Redis operation is bounded by
/// <see cref="RedisCacheHandlerOptions.OperationTimeout"/>; a broken connection marks Redis unavailable at once, timeouts
/// only when they form a run with no success for at least a second (<see cref="RedisHealth"/>): a reply spike or an
/// instance too busy to notice a reply in time is not an outage. Unavailable, operations are skipped (one warning) until
/// background probes, with backoff, find Redis answering within the operation timeout several times in a row; then the
/// invalidations made meanwhile are written, tag state is reconciled from the change log (the local tier is kept unless
/// Redis lost its data) and Redis is marked available (one information message).
/// </summary>
public sealed partial class RedisCacheHandler
{
    private const int StateConnecting = 0;
    private const int StateAvailable = 1;
    private const int StateUnavailable = 2;
    /// <summary>Probes that must answer within the operation timeout, in a row, before Redis is used again.</summary>
    private const int ProbesToRecover = 3;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeSpacing = TimeSpan.FromMilliseconds(50);

    private readonly RedisChannel _channel;
    private readonly Task _connecting;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IConnectionMultiplexer? _connection;
    private IDatabase? _database;
    private ChannelMessageQueue? _subscription;
    private bool _ownsConnection;
    private int _state;
    private int _recovering;
    private long _outageStarted;
    private readonly RedisHealth _health = new();
    private readonly List<CacheHandlerOutage> _outages = [];

    /// <summary>How many outages <see cref="RecentOutages"/> keeps.</summary>
    private const int MaxOutagesKept = 20;

    private IDatabase Database => _database ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "The Redis cache handler is not connected yet.", null, CommandStatus.Unknown);

    /// <summary>
    /// Identifies this instance as a lease owner: made once, with the handler (a lazily made one could differ between two
    /// threads that asked for it first, and a lease taken with one would never be released with the other).
    /// </summary>
    private string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        try
        {
            await _connecting.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // connecting failed: nothing to close
        }

        if (_connection is { } connection)
        {
            connection.ConnectionFailed -= OnConnectionFailed;
            if (_subscription is { } subscription)
            {
                try
                {
                    await subscription.UnsubscribeAsync().WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsOutage(ex))
                {
                    // Redis is gone; the subscription went with it
                }
            }

            if (_ownsConnection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        _local?.Clear();
        _disposed.Dispose();
    }

    private async Task ConnectCoreAsync()
    {
        await Task.Yield(); // never connect inside the constructor
        try
        {
            var connection = await CreateConnectionAsync().ConfigureAwait(false);
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            // The connection may still be completing (or Redis starting): keep trying for ConnectTimeout before warning.
            var started = Stopwatch.GetTimestamp();
            Exception? failure = null;
            while (!_disposed.IsCancellationRequested)
            {
                if (connection.IsConnected && (failure = await ProbeAsync(_options.ConnectTimeout).ConfigureAwait(false) ?? (await TryBecomeAvailableAsync().ConfigureAwait(false)).Failure) is null)
                {
                    break;
                }

                if (Stopwatch.GetElapsedTime(started) >= _options.ConnectTimeout)
                {
                    break;
                }

                await Task.Delay(ProbeInterval / 5, _disposed.Token).ConfigureAwait(false);
            }

            if (!connection.IsConnected || failure is not null)
            {
                MarkUnavailable(failure, failure is null ? "not reachable at start-up" : "failed at start-up: " + failure.Message);
            }
            else if (Interlocked.CompareExchange(ref _state, StateAvailable, StateConnecting) != StateConnecting)
            {
                StartRecovery(); // failed meanwhile
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // disposed while connecting
        }
        catch (Exception ex)
        {
            MarkUnavailable(ex, "connecting failed: " + ex.Message); // the recovery loop keeps trying
        }
        finally
        {
            _ready.TrySetResult();
        }
    }

    private async Task<IConnectionMultiplexer> CreateConnectionAsync()
    {
        IConnectionMultiplexer connection;
        if (_options.ConnectionMultiplexerFactory is { } factory)
        {
            connection = await factory().ConfigureAwait(false);
        }
        else
        {
            var configuration = _options.ConfigurationOptions?.Clone() ?? ConfigurationOptions.Parse(_options.Configuration!);
            configuration.AbortOnConnectFail = false; // start without Redis, reconnect in the background
            configuration.BacklogPolicy = BacklogPolicy.FailFast; // while disconnected, fail at once instead of queueing
            configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
            if (_options.ConfigurationOptions is null)
            {
                configuration.ReconnectRetryPolicy = new LinearRetry(500);
            }

            connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            _ownsConnection = true;
        }

        connection.ConnectionFailed += OnConnectionFailed;
        _database = connection.GetDatabase();
        _connection = connection;
        return connection;
    }

    /// <summary>
    /// Subscribes, writes queued invalidations and reconciles tag state from the change log; returns the failure, if Redis
    /// failed meanwhile. These steps may take up to <see cref="RedisCacheHandlerOptions.ConnectTimeout"/> each (scripts are
    /// loaded, a restarted server may be busy); whether Redis answers in time was decided by the probes before.
    /// </summary>
    private async Task<(Exception? Failure, int Written, Reconciliation Reconciled)> TryBecomeAvailableAsync()
    {
        var timeout = _options.ConnectTimeout;
        try
        {
            if (_subscription is null)
            {
                _subscription = await Timed(_connection!.GetSubscriber().SubscribeAsync(_channel), timeout).ConfigureAwait(false);
                _subscription.OnMessage(OnMessage);
            }

            var written = await ReplayTagUpdatesAsync(timeout).ConfigureAwait(false);
            var reconciled = await SyncTagsAsync(timeout).ConfigureAwait(false);
            return (null, written, reconciled);
        }
        catch (Exception ex) when (!_disposed.IsCancellationRequested)
        {
            return (ex, 0, default);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        MarkUnavailable(e.Exception, $"{e.FailureType} on the {e.ConnectionType} connection to {e.EndPoint}");

    /// <summary>
    /// An operation failed. A broken connection is an outage at once; a timeout is one only when it extends a run of
    /// failures that has lasted long enough (<see cref="RedisHealth"/>). The caller falls back either way.
    /// </summary>
    private void OnFailure(Exception exception)
    {
        if (exception is TimeoutException && !_health.Failed())
        {
            return;
        }

        MarkUnavailable(exception);
    }

    private void MarkUnavailable(Exception? exception, string? reason = null)
    {
        var previous = Interlocked.Exchange(ref _state, StateUnavailable);
        if (previous == StateUnavailable || _disposed.IsCancellationRequested)
        {
            return;
        }

        Interlocked.Exchange(ref _outageStarted, Stopwatch.GetTimestamp());
        RecordOutage(reason ?? exception?.Message ?? "no answer");
        LogUnavailable(
            Name,
            reason ?? exception?.Message ?? "no answer",
            _local is null ? "running the function" : $"the local tier (entries confirmed current within the last {_options.MaxStalenessDuringOutage.TotalSeconds:0.#} s), or running the function",
            _options.TagUpdatesDuringOutage == TagUpdatesDuringOutage.Fail
                ? "tag invalidations fail (TagUpdatesDuringOutage is Fail)"
                : "tag invalidations are applied here and written to Redis when it returns; other instances see them only then",
            exception);
        StartRecovery();
    }

    private void StartRecovery()
    {
        if (Interlocked.CompareExchange(ref _recovering, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(RecoverAsync);
    }

    /// <summary>
    /// Probes Redis until it answers within the operation timeout <see cref="ProbesToRecover"/> times in a row (waiting
    /// longer after each failed probe, up to a second), then writes queued invalidations, reconciles and marks it available.
    /// </summary>
    private async Task RecoverAsync()
    {
        try
        {
            var wait = ProbeInterval;
            var answered = 0;
            while (!_disposed.IsCancellationRequested && Volatile.Read(ref _state) == StateUnavailable)
            {
                try
                {
                    await Task.Delay(answered > 0 ? ProbeSpacing : wait, _disposed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (_connection is null)
                {
                    try
                    {
                        await CreateConnectionAsync().ConfigureAwait(false); // the first attempt failed outright
                    }
                    catch (Exception) when (!_disposed.IsCancellationRequested)
                    {
                        continue;
                    }
                }

                if (_connection is not { IsConnected: true } || await ProbeAsync(_options.OperationTimeout).ConfigureAwait(false) is not null)
                {
                    answered = 0;
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxProbeInterval.Ticks));
                    continue;
                }

                if (++answered < ProbesToRecover)
                {
                    continue;
                }

                answered = 0;
                var (failure, written, reconciled) = await TryBecomeAvailableAsync().ConfigureAwait(false);
                if (failure is not null)
                {
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxProbeInterval.Ticks));
                    continue;
                }

                if (Interlocked.CompareExchange(ref _state, StateAvailable, StateUnavailable) == StateUnavailable)
                {
                    EndOutage();
                    LogRecovered(Name, Stopwatch.GetElapsedTime(Interlocked.Read(ref _outageStarted)).TotalSeconds, written, Describe(reconciled));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _recovering, 0);
            if (Volatile.Read(ref _state) == StateUnavailable && !_disposed.IsCancellationRequested)
            {
                StartRecovery(); // marked unavailable again while this loop was ending
            }
        }
    }

    /// <summary>One PING within <paramref name="timeout"/>; the failure, or <see langword="null"/> when Redis answered.</summary>
    private async Task<Exception?> ProbeAsync(TimeSpan timeout)
    {
        try
        {
            await Timed(Database.PingAsync(), timeout).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (IsOutage(ex) && !_disposed.IsCancellationRequested)
        {
            return ex;
        }
    }

    private static string Describe(Reconciliation reconciled) => reconciled switch
    {
        Reconciliation.DataLost => "Redis lost its data, so the local tier and tag state were dropped",
        Reconciliation.TagsReread => "too many tags changed meanwhile to replay, so tag state is read again (the local tier is kept, and checked against it)",
        _ => "tag changes made meanwhile were read from the change log (the local tier and tag state are kept)",
    };

    /// <summary>
    /// Waits for a Redis operation at most <paramref name="timeout"/> (the operation timeout by default). An operation that
    /// has completed by the time the timeout is noticed counts as answered: on a saturated instance the timer can run late,
    /// and what measures Redis is whether it answered, not how long this instance took to look.
    /// </summary>
    private async Task<T> Timed<T>(Task<T> operation, TimeSpan? timeout = null)
    {
        T result;
        try
        {
            result = await operation.WaitAsync(timeout ?? _options.OperationTimeout, _disposed.Token).ConfigureAwait(false);
        }
        catch (TimeoutException) when (operation.IsCompletedSuccessfully)
        {
#pragma warning disable RS0030 // completed successfully (the filter above): Result does not block
            result = operation.Result;
#pragma warning restore RS0030
        }

        _health.Succeeded();
        return result;
    }

    /// <inheritdoc />
    public IReadOnlyList<CacheHandlerOutage> RecentOutages
    {
        get
        {
            lock (_outages)
            {
                return _outages.AsEnumerable().Reverse().ToArray();
            }
        }
    }

    private void RecordOutage(string reason)
    {
        lock (_outages)
        {
            if (_outages.Count == MaxOutagesKept)
            {
                _outages.RemoveAt(0);
            }

            _outages.Add(new CacheHandlerOutage(_time.GetUtcNow(), null, reason));
        }
    }

    private void EndOutage()
    {
        lock (_outages)
        {
            if (_outages.Count > 0 && _outages[^1] is { End: null } open)
            {
                _outages[^1] = open with { End = _time.GetUtcNow() };
            }
        }
    }

    private static bool IsOutage(Exception exception) =>
        exception is RedisException or TimeoutException or ObjectDisposedException;

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Redis is unavailable for the \"{Handler}\" cache handler ({Reason}). Until it recovers, requests are served from {Fallback}; {TagUpdates}. This is logged once per outage.")]
    private partial void LogUnavailable(string handler, string reason, string fallback, string tagUpdates, Exception? exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Redis is available again for the \"{Handler}\" cache handler after {Seconds:0.0} s; {Written} tag invalidation(s) made here meanwhile were written to it, and {Reconciled}.")]
    private partial void LogRecovered(string handler, double seconds, int written, string reconciled);
}
