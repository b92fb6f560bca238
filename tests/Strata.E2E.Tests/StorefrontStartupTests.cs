using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.AspNetCore.Shell;

namespace Strata.E2E.Tests;

/// <summary>
/// The Storefront started in process (WebApplicationFactory), as the sample runs: its pages are prerendered after start-up,
/// and none of them reads request data outside a streaming boundary (the prerender error, event 44) or logs any other error.
/// </summary>
public sealed class StorefrontStartupTests
{
    [Fact]
    public async Task Storefront_PrerendersItsPages_WithoutAnError()
    {
        var logs = new LogCollector();
        var data = Directory.CreateTempSubdirectory("storefront-startup-");
        try
        {
            using (var app = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            {
                builder.UseEnvironment("Development"); // as the E2E tests run it
                builder.UseSetting("Storefront:Database", Path.Combine(data.FullName, "storefront.db"));
                builder.UseSetting("Storefront:UpstreamLatencyMs", "5");
                builder.ConfigureLogging(logging => logging.AddProvider(logs));
            }))
            {
                _ = app.Server; // starts the host: the pages are prerendered after start-up
                await app.Services.GetRequiredService<ShellPrerenderer>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(90));
            }

            var verdicts = logs.Entries.Where(e => e.Category == typeof(ShellPrerenderer).FullName).ToList();
            Assert.True(verdicts.Count > 10, "The prerender did not judge the Storefront's pages. Log:\n" + string.Join("\n", logs.Entries));
            Assert.Contains(verdicts, e => e.EventId == 40 && e.Message.StartsWith("Static shell of /static-cached:", StringComparison.Ordinal));
            var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
            Assert.True(errors.Count == 0, "The Storefront logged errors at start:\n" + string.Join("\n", errors));

            // The pages that read request data: in a streaming boundary (/, /bookings, /reports) or marked [ForceDynamic] (not prerendered).
            Assert.DoesNotContain(verdicts, e => e.Message.Contains("/login", StringComparison.Ordinal) || e.Message.Contains("/cart", StringComparison.Ordinal));
            Assert.Contains(verdicts, e => e.EventId == 41 && e.Message.StartsWith("No static shell for /bookings: UpstreamFooter", StringComparison.Ordinal));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private sealed record Entry(string Category, LogLevel Level, int EventId, string Message)
    {
        public override string ToString() => $"{Level} {Category}[{EventId}] {Message}";
    }

    /// <summary>Collects what the application logs at Information and above.</summary>
    private sealed class LogCollector : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyList<Entry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCollector collector, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    collector._entries.Enqueue(new Entry(category, logLevel, eventId.Id, formatter(state, exception) + (exception is null ? "" : "\n" + exception)));
                }
            }
        }
    }
}
