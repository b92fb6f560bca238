using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Strata.Tests.Support;

/// <summary>A runtime on fake time, made current for the test's asynchronous flow, with captured logs.</summary>
internal sealed class TestRuntime : IDisposable
{
    private readonly IDisposable _use;

    public TestRuntime(Action<StrataOptions>? configure = null, IEnumerable<KeyValuePair<string, ICacheHandler>>? handlers = null, FakeTimeProvider? time = null)
    {
        Time = time ?? NewClock();
        Logs = new ListLoggerProvider();
        var options = new StrataOptions { BuildId = "test-" + Guid.NewGuid().ToString("N") };
        configure?.Invoke(options);
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        Runtime = new CacheRuntime(options, handlers, Time, LoggerFactory);
        _use = Runtime.Use();
    }

    public FakeTimeProvider Time { get; }

    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A runtime whose default (and remote) handler is a memory handler on the same fake clock, wrapped in a recorder.</summary>
    public static TestRuntime WithRecorder(out RecordingHandler recorder, Action<StrataOptions>? configure = null)
    {
        var time = NewClock();
        recorder = new RecordingHandler(new MemoryCacheHandler(timeProvider: time));
        return new TestRuntime(configure, [new("default", recorder)], time);
    }

    public CacheRuntime Runtime { get; }

    public ListLoggerProvider Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public MemoryCacheHandler Memory => (MemoryCacheHandler)Runtime.GetHandler("default");

    public void Advance(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public void Dispose()
    {
        _use.Dispose();
        LoggerFactory.Dispose();
    }
}

internal sealed class ListLoggerProvider : ILoggerProvider
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

    public IEnumerable<string> Warnings => Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries)
            {
                owner._entries.Add((logLevel, category, formatter(state, exception)));
            }
        }
    }
}
