using System.Collections.Immutable;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Strata.Cache;

namespace Strata.Generators.Tests.Running;

/// <summary>
/// A fill or a background refresh of a [UseCache] method makes an entry that outlives its caller: with a scoped service (the
/// documented AddScoped over a DbContext) it must run on an instance of its own DI scope, never on the caller's, which may be
/// in use by the request or already disposed (issue 8, item 7). Real EF Core on SQLite.
/// </summary>
public sealed class OwnScopeTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"strata-own-scope-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _provider;

    public OwnScopeTests()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(Logs));
        services.AddSingleton<TimeProvider>(_time);
        services.AddDbContext<ShelfDb>(o => o.UseSqlite($"Data Source={_file}"));
        services.AddSingleton<Probe>();
        services.AddScoped<Shelf>();
        services.AddStrata(o => o.BuildId = "own-scope-" + Guid.NewGuid().ToString("N"));
        _provider = services.BuildServiceProvider();
    }

    private LogSink Logs { get; } = new();

    public async Task InitializeAsync()
    {
        await using var scope = _provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShelfDb>();
        await db.Database.EnsureCreatedAsync();
        db.Books.AddRange(new Book { Id = 1, Title = "Dune" }, new Book { Id = 2, Title = "Emma" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public async Task AFill_RunsOnADbContextOfItsOwnScope_NotOnTheCallers()
    {
        var probe = _provider.GetRequiredService<Probe>();
        await using var scope = _provider.CreateAsyncScope();
        var callers = scope.ServiceProvider.GetRequiredService<ShelfDb>();

        var titles = await scope.ServiceProvider.GetRequiredService<Shelf>().Titles(1);

        Assert.Equal(["Dune", "Emma"], titles.ToArray());
        var used = Assert.Single(probe.Contexts);
        Assert.NotEqual(callers.ContextId, used.Id);
        Assert.Throws<ObjectDisposedException>(() => used.Db.Books.Count()); // the fill's scope ended with the fill
    }

    [Fact]
    public async Task ABackgroundRefresh_AfterTheCallersScopeIsDisposed_StillRefreshes()
    {
        var probe = _provider.GetRequiredService<Probe>();
        await using (var first = _provider.CreateAsyncScope())
        {
            await first.ServiceProvider.GetRequiredService<Shelf>().Titles(1);
        }

        await using (var writer = _provider.CreateAsyncScope())
        {
            var db = writer.ServiceProvider.GetRequiredService<ShelfDb>();
            db.Books.Add(new Book { Id = 3, Title = "Ulysses" });
            await db.SaveChangesAsync();
        }

        _time.Advance(TimeSpan.FromSeconds(61)); // past revalidate: the next read is served stale and refreshed in the background
        probe.Hold();
        ImmutableArray<string> stale;
        await using (var second = _provider.CreateAsyncScope())
        {
            stale = await second.ServiceProvider.GetRequiredService<Shelf>().Titles(1);
        }

        probe.Release(); // the refresh runs now, after the scope of the request that started it is gone
        var runtime = _provider.GetRequiredService<CacheRuntime>();
        await runtime.FlushAsync();
        await using var third = _provider.CreateAsyncScope();
        var fresh = await third.ServiceProvider.GetRequiredService<Shelf>().Titles(1);

        Assert.Equal(["Dune", "Emma"], stale.ToArray());
        Assert.Equal(["Dune", "Emma", "Ulysses"], fresh.ToArray());
        Assert.Empty(Logs.Warnings);
    }

    [Fact]
    public async Task ConcurrentMisses_OfOneScopedService_NeverShareItsDbContext()
    {
        var probe = _provider.GetRequiredService<Probe>();
        await using var scope = _provider.CreateAsyncScope();
        var shelf = scope.ServiceProvider.GetRequiredService<Shelf>();

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(page => shelf.Titles(page)));

        Assert.All(results, r => Assert.False(r.IsDefault));
        Assert.Equal(8, probe.Contexts.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task ASingletonService_RunsOnItself()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Counter>();
        services.AddStrata(o => o.BuildId = "own-scope-" + Guid.NewGuid().ToString("N"));
        await using var provider = services.BuildServiceProvider();
        var counter = provider.GetRequiredService<Counter>();

        await counter.Next("a");
        await counter.Next("b");

        Assert.Equal(2, counter.Runs);
    }

    public sealed class Book
    {
        public int Id { get; set; }

        public required string Title { get; set; }
    }

    public sealed class ShelfDb(DbContextOptions<ShelfDb> options) : DbContext(options)
    {
        public DbSet<Book> Books => Set<Book>();
    }

    /// <summary>Sees which DbContext each run used, and can hold runs back.</summary>
    public sealed class Probe
    {
        private readonly List<ContextUse> _contexts = [];
        private TaskCompletionSource _gate = CompletedGate();

        public IReadOnlyList<ContextUse> Contexts
        {
            get
            {
                lock (_contexts)
                {
                    return [.. _contexts];
                }
            }
        }

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public Task WaitAsync() => _gate.Task;

        public void Record(ShelfDb db)
        {
            lock (_contexts)
            {
                _contexts.Add(new ContextUse(db));
            }
        }

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }
    }

    public sealed class ContextUse(ShelfDb db)
    {
        public DbContextId Id { get; } = db.ContextId;

        public ShelfDb Db { get; } = db;
    }

    public class Shelf(ShelfDb db, Probe probe)
    {
        [UseCache]
        public virtual async Task<ImmutableArray<string>> Titles(int page)
        {
            CacheLife("minutes");
            probe.Record(db);
            await probe.WaitAsync();
            return (await db.Books.OrderBy(b => b.Id).Skip((page - 1) * 10).Take(10).Select(b => b.Title).ToArrayAsync()).ToImmutableArray();
        }
    }

    public class Counter
    {
        public int Runs { get; private set; }

        [UseCache]
        public virtual Task<int> Next(string id) => Task.FromResult(++Runs);
    }

    private sealed class LogSink : ILoggerProvider
    {
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get
            {
                lock (_warnings)
                {
                    return [.. _warnings];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogSink sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Warning)
                {
                    lock (sink._warnings)
                    {
                        sink._warnings.Add(formatter(state, exception) + (exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message));
                    }
                }
            }
        }
    }
}
