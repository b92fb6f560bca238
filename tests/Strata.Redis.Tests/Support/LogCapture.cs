using Microsoft.Extensions.Logging;

namespace Strata.Redis.Tests.Support;

/// <summary>Captures log messages of one application instance.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly List<(LogLevel Level, string Category, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToArray();
            }
        }
    }

    /// <summary>Warnings of the given category (by type name), e.g. <c>RedisCacheHandler</c>.</summary>
    public string[] Warnings(string category) =>
        Entries.Where(e => e.Level == LogLevel.Warning && e.Category.EndsWith(category, StringComparison.Ordinal)).Select(e => e.Message).ToArray();

    /// <summary>Information messages of the given category.</summary>
    public string[] Information(string category) =>
        Entries.Where(e => e.Level == LogLevel.Information && e.Category.EndsWith(category, StringComparison.Ordinal)).Select(e => e.Message).ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries)
            {
                owner._entries.Add((logLevel, category, formatter(state, exception)));
            }
        }
    }
}
