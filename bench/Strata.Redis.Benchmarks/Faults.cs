using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Strata.Redis.Tests.Support;
using static Strata.Cache;

namespace Strata.Redis.Benchmarks;

/// <summary>
/// Redis faults under load: two instances (runtimes with a Redis <c>remote</c> kind) share one redis-server, each through its
/// own <see cref="FaultProxy"/>; workers read 50 products in requests, each miss is a "database call". Per scenario the
/// fault lasts a few seconds; half-way through it, instance A saves a product (the database version goes up, then
/// <c>UpdateTag</c>), and reads on B that still return the old version afterwards are stale reads.
/// </summary>
internal static class Faults
{
    private const string Unavailable = "Redis is unavailable";
    private const int Products = 50;

    private sealed record Product(int Id, int Version);

    private sealed record Scenario(string Name, string Fault, Action<FaultProxy> Start);

    private static readonly Scenario[] Scenarios =
    [
        new("healthy", "none", _ => { }),
        new("slow", "+400 ms per reply", p => p.ReplyDelay = TimeSpan.FromMilliseconds(400)),
        new("near threshold", "+150 ms per reply", p => p.ReplyDelay = TimeSpan.FromMilliseconds(150)),
        new("black hole", "no answer", p => p.BlackHole = true),
        new("cut", "connections reset", p => p.Cut()),
    ];

    public static async Task<string> RunAsync(TimeSpan window, int workers)
    {
        CacheKeyPassThrough.Register(typeof(Database)); // the data source a cached function fetches from, not part of its key
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Fault window {window.TotalSeconds:0} s, {workers} workers per instance, 2 instances, {Products} products; the save on A happens half-way through the window.");
        table.AppendLine();
        table.AppendLine("| scenario | fault | local tier | requests | failed | req/s | p50 ms | p99 ms | DB calls | DB calls/s | warnings (A+B) | recovery s | stale reads on B | last stale read s after save |");
        table.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        using var redis = LocalRedis.Start();
        foreach (var scenario in Scenarios)
        {
            foreach (var localTier in new[] { 0L, RedisDefaults.LocalCacheSizeBytes })
            {
                var row = await RunScenarioAsync(redis, scenario, localTier, window, workers);
                table.AppendLine(row);
                Console.Error.WriteLine(row);
            }
        }

        return table.ToString();
    }

    private static async Task<string> RunScenarioAsync(LocalRedis redis, Scenario scenario, long localTier, TimeSpan window, int workers)
    {
        await using var proxyA = FaultProxy.To(redis.Port);
        await using var proxyB = FaultProxy.To(redis.Port);
        var prefix = "faults-" + Guid.NewGuid().ToString("N")[..8] + ":";
        await using var a = await Instance.StartAsync(proxyA.Configuration, prefix, localTier);
        await using var b = await Instance.StartAsync(proxyB.Configuration, prefix, localTier);
        var database = new Database();
        Func<int, Task<Product>> get;
        using (a.Runtime.Use())
        {
            get = Function(async (int id) =>
            {
                var version = await database.ReadAsync();
                CacheLife(revalidate: 300, expire: 3600);
                CacheTag("products");
                return new Product(id, version);
            }, "remote");
        }

        // Warm both instances.
        for (var id = 0; id < Products; id++)
        {
            await a.ReadAsync(get, id);
            await b.ReadAsync(get, id);
        }

        var latencies = new List<double>();
        var failed = 0;
        var stale = 0;
        var lastStale = 0.0;
        var savedAt = 0L;
        var savedVersion = int.MaxValue;
        using var stop = new CancellationTokenSource();
        async Task WorkAsync(Instance instance, int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var product = await instance.ReadAsync(get, random.Next(Products));
                    if (instance == b && Volatile.Read(ref savedAt) is var saved and > 0 && started > saved && product.Version < Volatile.Read(ref savedVersion))
                    {
                        lock (latencies)
                        {
                            stale++;
                            lastStale = Math.Max(lastStale, Stopwatch.GetElapsedTime(saved).TotalSeconds);
                        }
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                }

                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }

        var callsBefore = database.Calls;
        scenario.Start(proxyA);
        scenario.Start(proxyB);
        var watch = Stopwatch.StartNew();
        var running = Enumerable.Range(0, workers).SelectMany(i => new[] { WorkAsync(a, i), WorkAsync(b, 1000 + i) }).ToArray();
        await Task.Delay(window / 2);
        savedVersion = database.Save();
        try
        {
            await a.SaveAsync();
        }
        catch (Exception)
        {
            Interlocked.Increment(ref failed);
        }

        Volatile.Write(ref savedAt, Stopwatch.GetTimestamp());
        await Task.Delay(window / 2);
        stop.Cancel();
        await Task.WhenAll(running);
        var elapsed = watch.Elapsed.TotalSeconds;
        var calls = database.Calls - callsBefore;
        proxyA.ReplyDelay = proxyB.ReplyDelay = TimeSpan.Zero;
        proxyA.BlackHole = proxyB.BlackHole = false;
        var recovery = Stopwatch.StartNew();
        while (!(a.Remote.IsAvailable && b.Remote.IsAvailable) && recovery.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        latencies.Sort();
        var warnings = a.Warnings + b.Warnings;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {scenario.Name} | {scenario.Fault} | {(localTier > 0 ? "16 MiB" : "off")} | {latencies.Count} | {failed} | {latencies.Count / elapsed:0} | " +
            $"{Percentile(latencies, 0.50):0.0} | {Percentile(latencies, 0.99):0.0} | {calls} | {calls / elapsed:0} | {warnings} | " +
            $"{(warnings == 0 ? "-" : recovery.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture))} | {stale} | {(stale == 0 ? "-" : lastStale.ToString("0.0", CultureInfo.InvariantCulture))} |");
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    /// <summary>The "database": each read is a call, and a save bumps the version every later read returns.</summary>
    private sealed class Database
    {
        private int _calls;
        private int _version = 1;

        public int Calls => Volatile.Read(ref _calls);

        public async Task<int> ReadAsync()
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(2);
            return Volatile.Read(ref _version);
        }

        public int Save() => Interlocked.Increment(ref _version);
    }

    /// <summary>One application instance: a runtime with the Redis kind <c>remote</c>, its hosted services started, warnings counted.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private int _warnings;

        private Instance(ServiceProvider services)
        {
            _services = services;
        }

        public CacheRuntime Runtime => _services.GetRequiredService<CacheRuntime>();

        public RedisCacheHandler Remote => (RedisCacheHandler)Runtime.GetHandler("remote");

        public int Warnings => Volatile.Read(ref _warnings);

        public static async Task<Instance> StartAsync(string redis, string prefix, long localTier)
        {
            var services = new ServiceCollection();
            Instance? instance = null;
            services.AddLogging(l => l.AddProvider(new Forward(() => instance!)));
            services.AddStrata().AddRedisCacheHandler("remote", o =>
            {
                o.Configuration = redis;
                o.KeyPrefix = prefix;
                o.LocalCacheSize = localTier;
            });
            instance = new Instance(services.BuildServiceProvider());
            foreach (var hosted in instance._services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }

            return instance;
        }

        public async Task<Product> ReadAsync(Func<int, Task<Product>> get, int id)
        {
            using var request = Runtime.BeginRequest();
            var product = await get(id);
            await request.CompleteAsync();
            return product;
        }

        public async Task SaveAsync()
        {
            using var request = Runtime.BeginRequest(phase: CacheRequestPhase.Action);
            await UpdateTag("products");
            await request.CompleteAsync();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var hosted in _services.GetServices<IHostedService>())
            {
                await hosted.StopAsync(CancellationToken.None);
            }

            await _services.DisposeAsync();
        }

        private sealed class Forward(Func<Instance> instance) : ILoggerProvider
        {
            public ILogger CreateLogger(string categoryName) => new Counter(instance());

            public void Dispose()
            {
            }
        }

        private sealed class Counter(Instance owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel == LogLevel.Warning && formatter(state, exception).StartsWith(Unavailable, StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref owner._warnings);
                }
            }
        }
    }
}
