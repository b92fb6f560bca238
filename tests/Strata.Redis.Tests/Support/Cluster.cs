using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Strata.Redis.Tests.Support;

/// <summary>
/// Several application instances in one process, each a generic host with <c>AddStrata()</c>, sharing one Redis and one
/// clock (a cluster shares time): the kinds <c>remote</c> and <c>catalog</c> are served by Redis.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    /// <summary>The custom kind every instance serves from Redis.</summary>
    public const string CatalogKind = "catalog";

    private Cluster(FakeTimeProvider time, App[] apps)
    {
        Time = time;
        Apps = apps;
    }

    public FakeTimeProvider Time { get; }

    public App[] Apps { get; }

    public App A => Apps[0];

    public App B => Apps[1];

    public App C => Apps[2];

    /// <summary>Starts <paramref name="instances"/> hosts sharing <paramref name="redis"/> under a fresh key prefix.</summary>
    public static Task<Cluster> StartAsync(
        string redis, int instances = 3, bool localTier = false, Action<StrataOptions>? strata = null, Action<Strata.Redis.RedisCacheHandlerOptions>? configure = null) =>
        StartAsync(Enumerable.Repeat(redis, instances).ToArray(), localTier, strata, configure);

    /// <summary>Starts one host per configuration string (e.g. each through its own <see cref="FaultProxy"/>), sharing a fresh key prefix.</summary>
    public static async Task<Cluster> StartAsync(
        IReadOnlyList<string> redis, bool localTier = false, Action<StrataOptions>? strata = null, Action<Strata.Redis.RedisCacheHandlerOptions>? configure = null)
    {
        var instances = redis.Count;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var prefix = "cluster-" + Guid.NewGuid().ToString("N")[..8] + ":";
        var buildId = "build-" + Guid.NewGuid().ToString("N");
        var apps = new App[instances];
        for (var i = 0; i < instances; i++)
        {
            apps[i] = await App.StartAsync((char)('A' + i), redis[i], prefix, buildId, time, localTier, strata, configure);
        }

        return new Cluster(time, apps);
    }

    public void Advance(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Apps)
        {
            await app.DisposeAsync();
        }
    }
}

/// <summary>One application instance: a started generic host with Strata on Redis.</summary>
public sealed class App : IAsyncDisposable
{
    private readonly IHost _host;

    private App(char name, IHost host, LogCapture logs)
    {
        Name = name;
        _host = host;
        Logs = logs;
        Runtime = host.Services.GetRequiredService<CacheRuntime>();
    }

    public char Name { get; }

    public CacheRuntime Runtime { get; }

    public LogCapture Logs { get; }

    public RedisCacheHandler Remote => (RedisCacheHandler)Runtime.GetHandler("remote");

    public RedisCacheHandler Catalog => (RedisCacheHandler)Runtime.GetHandler(Cluster.CatalogKind);

    public IServiceProvider Services => _host.Services;

    internal static async Task<App> StartAsync(
        char name, string redis, string prefix, string buildId, TimeProvider time, bool localTier, Action<StrataOptions>? strata, Action<RedisCacheHandlerOptions>? configure)
    {
        var logs = new LogCapture();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Strata:BuildId"] = buildId,
            ["Strata:Redis:Configuration"] = redis,
            ["Strata:Redis:KeyPrefix"] = prefix,
            ["Strata:Redis:LocalCacheSize"] = localTier ? "16777216" : "0",
        });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSingleton<TimeProvider>(time);
        var strataBuilder = builder.Services.AddStrata(strata);
        Action<RedisCacheHandlerOptions> options = o =>
        {
            o.OperationTimeout = TestTimeouts.Operation;
            configure?.Invoke(o);
        };
        strataBuilder.AddRedisCacheHandler("remote", options);
        strataBuilder.AddRedisCacheHandler(Cluster.CatalogKind, options);
        var host = builder.Build();
        await host.StartAsync();
        return new App(name, host, logs);
    }

    /// <summary>A request scope on this instance (the web layer opens one per HTTP request).</summary>
    public CacheRequest Request(CacheRequestPhase phase = CacheRequestPhase.Handler) => Runtime.BeginRequest(phase: phase);

    /// <summary>Runs <paramref name="body"/> inside a request of this instance and waits for what the request started.</summary>
    public async Task<T> InRequestAsync<T>(Func<Task<T>> body, CacheRequestPhase phase = CacheRequestPhase.Handler)
    {
        using var request = Request(phase);
        var result = await body();
        await request.CompleteAsync();
        return result;
    }

    public override string ToString() => $"instance {Name}";

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
