using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Strata.Redis.Tests.Support;

namespace Strata.Redis.Tests;

/// <summary>
/// Two copies of the Storefront sample as separate processes on two ports, sharing one Redis
/// (<c>Strata:Redis:Configuration</c> switches its <c>[UseCache("remote")]</c> caches to Redis): the dashboard's upstream
/// ("analytics") is queried once per minute of time or per revalidation, however many requests both receive.
/// </summary>
/// <remarks>
/// The dashboard is <c>CachedShop.GetGlobalStats</c>: <c>[UseCache("remote")]</c>, <c>CacheTag("global-stats")</c>,
/// <c>CacheLife(expire: 60)</c>. Time is moved by the test clock (tests/apps/Strata.Redis.TestClock), which each process
/// loads as a startup hook: the sample itself is unchanged.
/// </remarks>
public sealed class TwoProcessTests : IAsyncLifetime
{
    private const int RequestsPerRound = 25;
    private readonly List<(Process Process, StringBuilder Log, string DataDirectory)> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private RedisServer? _redis;
    private Uri[] _apps = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var prefix = "storefront-" + Guid.NewGuid().ToString("N")[..8] + ":";
        _apps = await Task.WhenAll(StartStorefrontAsync(prefix), StartStorefrontAsync(prefix));
    }

    public async Task DisposeAsync()
    {
        foreach (var (process, _, dataDirectory) in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
            Directory.Delete(dataDirectory, recursive: true);
        }

        _http.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task DashboardUpstream_IsQueriedOncePerMinuteOrRevalidation_HoweverManyRequestsBothProcessesReceive()
    {
        var counts = new List<int> { await RoundAsync() };
        for (var minute = 1; minute <= 3; minute++)
        {
            await AdvanceAsync(61);
            counts.Add(await RoundAsync());
        }

        (await _http.PostAsync(new Uri(_apps[1], "/api/revalidate?tag=global-stats"), null)).EnsureSuccessStatusCode();
        await AdvanceAsync(1); // entries made in the millisecond of a revalidation count as made before it
        counts.Add(await RoundAsync());
        counts.Add(await RoundAsync());

        Assert.Equal([1, 2, 3, 4, 5, 5], counts);
    }

    [Fact]
    public async Task RevalidatingATagOnOneInstance_MakesTheOtherStopServingItsShell_AndRegenerateIt()
    {
        var (a, b) = (_apps[0], _apps[1]);
        var before = await ShellAsync(b, "/shelf/3", notETag: null);
        var otherBefore = await ShellAsync(b, "/shelf/4", notETag: null);
        await AdvanceAsync(1);

        (await _http.PostAsync(new Uri(a, "/api/revalidate?tag=product-3"), null)).EnsureSuccessStatusCode(); // RevalidateTag(tag, "max")
        await AdvanceAsync(1);
        var noticed = await FirstAsync(b, "/shelf/3", r => r.Status != "HIT" || r.ETag != before);
        var after = await ShellAsync(b, "/shelf/3", notETag: before);
        var other = await FirstAsync(b, "/shelf/4", _ => true);

        Assert.Equal("STALE", noticed.Status); // served once more while it is regenerated, as on the instance that revalidated
        Assert.NotEqual(before, after); // the regenerated shell, with the refreshed product
        Assert.Equal(("HIT", otherBefore), other); // another product's shell was left alone
    }

    [Fact]
    public async Task ShellsAreNotServed_WhenRedisDidNotConfirmTagStateWithinMaxStalenessDuringOutage()
    {
        var b = _apps[1];
        await ShellAsync(b, "/shelf/3", notETag: null);

        await _redis!.PauseAsync();
        try
        {
            await AdvanceAsync(11); // past MaxStalenessDuringOutage (10 s) without a tag check Redis answered
            var during = await FirstAsync(b, "/shelf/3", _ => true);
            Assert.Null(during.ETag); // rendered for the request (its caches may be hits): another instance's invalidation could be missing here
        }
        finally
        {
            await _redis.ResumeAsync();
        }

        await ShellAsync(b, "/shelf/3", notETag: null); // tag state confirmed again: the shell is served again
    }

    /// <summary>
    /// The first response to GET <paramref name="path"/> that <paramref name="done"/> accepts, within 30 s (an invalidation
    /// travels by message; a shell is made in the background after start-up, slowly on a loaded machine).
    /// </summary>
    private async Task<(string? Status, string? ETag)> FirstAsync(Uri app, string path, Func<(string? Status, string? ETag), bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            using var response = await _http.GetAsync(new Uri(app, path));
            response.EnsureSuccessStatusCode();
            var result = (response.Headers.TryGetValues("x-strata-cache", out var status) ? status.First() : null, response.Headers.ETag?.Tag);
            if (done(result))
            {
                return result;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{path} on {app}: still {result} after 30 s:\n" + string.Join("\n", _processes.Select(p => Read(p.Log))));
            await Task.Delay(20); // waiting for a message or a background prerender, not for a cache to expire
        }
    }

    /// <summary>
    /// The ETag of the static shell of <paramref name="path"/> once it is served fresh (a HIT with an ETag: a page rendered for
    /// the request has none, even when all its caches were hits), other than <paramref name="notETag"/>.
    /// </summary>
    private async Task<string> ShellAsync(Uri app, string path, string? notETag) =>
        (await FirstAsync(app, path, r => r.Status == "HIT" && r.ETag is not null && r.ETag != notETag)).ETag!;

    private Task AdvanceAsync(double seconds) =>
        Task.WhenAll(_apps.Select(a => _http.PostAsync(new Uri(a, FormattableString.Invariant($"/_test/advance?seconds={seconds}")), null)));

    /// <summary>Sends <see cref="RequestsPerRound"/> concurrent requests to each process, waits for refreshes, returns the dashboard's upstream calls.</summary>
    private async Task<int> RoundAsync()
    {
        var requests = _apps.SelectMany(a => Enumerable.Range(0, RequestsPerRound).Select(_ => _http.GetAsync(new Uri(a, "/dashboard"))));
        foreach (var response in await Task.WhenAll(requests))
        {
            response.EnsureSuccessStatusCode();
        }

        foreach (var app in _apps)
        {
            (await _http.PostAsync(new Uri(app, "/_test/flush"), null)).EnsureSuccessStatusCode();
        }

        var total = 0;
        foreach (var app in _apps)
        {
            var calls = await _http.GetFromJsonAsync<JsonElement>(new Uri(app, "/api/upstream-calls"));
            total += calls.GetProperty("calls").TryGetProperty("analytics", out var analytics) ? analytics.GetInt32() : 0;
        }

        return total;
    }

    private async Task<Uri> StartStorefrontAsync(string prefix)
    {
        var metadata = typeof(TwoProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);
        var (dll, clock) = (metadata["StorefrontDll"], metadata["TestClockDll"]);
        Assert.True(File.Exists(dll), $"The Storefront sample is not built: {dll}");
        Assert.True(File.Exists(clock), $"The test clock is not built: {clock}");
        var port = FreePort();
        var uri = new Uri($"http://127.0.0.1:{port}");
        var data = Directory.CreateTempSubdirectory("storefront-redis-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = metadata["StorefrontProject"],
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { dll, "--urls", uri.ToString() },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_STARTUP_HOOKS"] = clock;
        start.Environment["ASPNETCORE_HOSTINGSTARTUPASSEMBLIES"] = "Strata.Redis.TestClock";
        start.Environment["Storefront__Database"] = Path.Combine(data, "storefront.db");
        start.Environment["Storefront__UpstreamLatencyMs"] = "20";
        start.Environment["Strata__Redis__Configuration"] = _redis!.Configuration;
        start.Environment["Strata__Redis__KeyPrefix"] = prefix;
        start.Environment["Strata__Redis__OperationTimeout"] = TestTimeouts.Operation.ToString();
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var log = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("The Storefront did not start.");
        _processes.Add((process, log, data));
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, "The Storefront exited:\n" + Read(log));
            try
            {
                using var response = await _http.GetAsync(new Uri(uri, "/api/upstream-calls"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return uri;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "The Storefront did not answer within 60 s:\n" + Read(log));
            await Task.Delay(100); // waiting for the process to listen, not for a cache to expire
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
