using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Strata.AspNetCore.Tests.Support;

/// <summary>Collects the messages and warnings logged through it (as a logger provider of the test app, or one logger of a unit under test).</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Warnings => [.. _warnings];

    /// <summary>Everything logged at Information level or above.</summary>
    public IReadOnlyList<string> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Logger<object>(this);

    public void Dispose()
    {
    }

    public sealed class Logger<T>(LogSink sink) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            sink._messages.Enqueue(message);
            if (logLevel >= LogLevel.Warning)
            {
                sink._warnings.Enqueue(message);
            }
        }
    }
}
