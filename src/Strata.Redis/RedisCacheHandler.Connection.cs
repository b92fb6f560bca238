using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Strata.Redis;

/// <summary>
/// The connection and its health. Every Redis operation is bounded by <see cref="RedisCacheHandlerOptions.OperationTimeout"/>;
/// the first failure of an outage marks Redis unavailable (one warning), after which operations are skipped until a
/// background probe finds Redis answering again, writes the invalidations made meanwhile, forgets the local tier and the
/// tag state this instance knew, resynchronizes and marks it available (one information message).
/// </summary>
public sealed partial class RedisCacheHandler
{
    private const int StateConnecting = 0;
    private const int StateAvailable = 1;
    private const int StateUnavailable = 2;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

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
                if (connection.IsConnected && (failure = await TryBecomeAvailableAsync().ConfigureAwait(false)) is null)
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
    /// Subscribes, writes queued invalidations, forgets local state and resynchronizes; returns the failure, if Redis failed
    /// meanwhile. These steps may take up to <see cref="RedisCacheHandlerOptions.ConnectTimeout"/> each (scripts are loaded, a
    /// restarted server may be busy).
    /// </summary>
    private async Task<Exception?> TryBecomeAvailableAsync()
    {
        var timeout = _options.ConnectTimeout;
        try
        {
            await Timed(Database.PingAsync(), timeout).ConfigureAwait(false);
            if (_subscription is null)
            {
                _subscription = await Timed(_connection!.GetSubscriber().SubscribeAsync(_channel), timeout).ConfigureAwait(false);
                _subscription.OnMessage(OnMessage);
            }

            await ReplayTagUpdatesAsync(timeout).ConfigureAwait(false);
            Forget(localTier: true);
            Volatile.Write(ref _syncedVersion, 0);
            await SyncTagsAsync(timeout).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!_disposed.IsCancellationRequested)
        {
            return ex;
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        MarkUnavailable(e.Exception, $"{e.FailureType} on the {e.ConnectionType} connection to {e.EndPoint}");

    private void MarkUnavailable(Exception? exception, string? reason = null)
    {
        var previous = Interlocked.Exchange(ref _state, StateUnavailable);
        if (previous == StateUnavailable || _disposed.IsCancellationRequested)
        {
            return;
        }

        Interlocked.Exchange(ref _outageStarted, Stopwatch.GetTimestamp());
        LogUnavailable(Name, reason ?? exception?.Message ?? "no answer", _local is null ? "running the function" : "the local tier, or running the function", exception);
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

    private async Task RecoverAsync()
    {
        try
        {
            while (!_disposed.IsCancellationRequested && Volatile.Read(ref _state) == StateUnavailable)
            {
                try
                {
                    await Task.Delay(ProbeInterval, _disposed.Token).ConfigureAwait(false);
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

                if (_connection is not { IsConnected: true } || await TryBecomeAvailableAsync().ConfigureAwait(false) is not null)
                {
                    continue;
                }

                if (Interlocked.CompareExchange(ref _state, StateAvailable, StateUnavailable) == StateUnavailable)
                {
                    LogRecovered(Name, Stopwatch.GetElapsedTime(Interlocked.Read(ref _outageStarted)).TotalSeconds);
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

    private Task<T> Timed<T>(Task<T> operation, TimeSpan? timeout = null) => operation.WaitAsync(timeout ?? _options.OperationTimeout, _disposed.Token);

    private static bool IsOutage(Exception exception) =>
        exception is RedisException or TimeoutException or ObjectDisposedException;

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Redis is unavailable for the \"{Handler}\" cache handler ({Reason}). Until it recovers, requests are served from {Fallback}; tag invalidations are applied here and written to Redis when it returns. This is logged once per outage.")]
    private partial void LogUnavailable(string handler, string reason, string fallback, Exception? exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Redis is available again for the \"{Handler}\" cache handler after {Seconds:0.0} s; invalidations made meanwhile were written and tag state was read again.")]
    private partial void LogRecovered(string handler, double seconds);
}
