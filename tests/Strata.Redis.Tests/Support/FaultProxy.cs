using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Strata.Redis.Tests.Support;

/// <summary>
/// A TCP proxy owned by the tests, between the handlers and a real redis-server, that injects network faults: every reply
/// delayed (a slow Redis, a slow link), connections cut (a socket error), or a black hole (connections stay open and
/// nothing comes back until the route is back, as behind a dropped route). Listens on 127.0.0.1; stopped by disposing it.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private long _delayTicks;
    private volatile bool _blackHole;

    private FaultProxy(int target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port the proxy listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The StackExchange.Redis configuration string that goes through the proxy.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>How long every reply from Redis is held before it is passed on (zero: at once). Replies keep their order.</summary>
    public TimeSpan ReplyDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    /// <summary>
    /// While set, bytes in both directions are held: connections stay open and nothing answers, as behind a dropped route.
    /// When it is cleared they are delivered in order, as TCP does once the route is back.
    /// </summary>
    public bool BlackHole
    {
        get => _blackHole;
        set => _blackHole = value;
    }

    /// <summary>Starts a proxy to the redis-server listening on <paramref name="port"/> (127.0.0.1).</summary>
    public static FaultProxy To(int port) => new(port);

    /// <summary>Cuts every open connection (the handler sees a socket error and reconnects through the proxy).</summary>
    public void Cut()
    {
        TcpClient[] open;
        lock (_connections)
        {
            open = _connections.ToArray();
            _connections.Clear();
        }

        foreach (var connection in open)
        {
            try
            {
                if (connection.Client is { } socket)
                {
                    socket.LingerState = new LingerOption(true, 0); // RST, as a dropped connection
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                // closed meanwhile by its other side (its pump disposed it): nothing left to cut
            }

            connection.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose(); // Redis is down: so is the connection through the proxy
                server.Dispose();
                continue;
            }

            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(server);
            }

            _ = PumpAsync(client, server, delayed: false);
            _ = PumpAsync(server, client, delayed: true);
        }
    }

    /// <summary>Copies one direction; replies (server to client) wait out <see cref="ReplyDelay"/>, counted from when they arrived.</summary>
    private async Task PumpAsync(TcpClient from, TcpClient to, bool delayed)
    {
        var pending = System.Threading.Channels.Channel.CreateUnbounded<(long Due, byte[] Bytes)>();
        var writer = WriteAsync(pending.Reader, to);
        try
        {
            var source = from.GetStream();
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await source.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                var due = Stopwatch.GetTimestamp() + (delayed ? (long)(ReplyDelay.TotalSeconds * Stopwatch.Frequency) : 0);
                pending.Writer.TryWrite((due, buffer.AsSpan(0, read).ToArray()));
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // cut or stopped
        }
        finally
        {
            pending.Writer.TryComplete();
            await writer;
            lock (_connections)
            {
                _connections.Remove(from);
                _connections.Remove(to);
            }

            from.Dispose();
            to.Dispose();
        }
    }

    private async Task WriteAsync(System.Threading.Channels.ChannelReader<(long Due, byte[] Bytes)> pending, TcpClient to)
    {
        try
        {
            var target = to.GetStream();
            await foreach (var (due, bytes) in pending.ReadAllAsync(_stop.Token))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stop.Token);
                }

                while (_blackHole)
                {
                    await Task.Delay(5, _stop.Token);
                }

                await target.WriteAsync(bytes, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            to.Dispose(); // cut or stopped
        }
    }
}
