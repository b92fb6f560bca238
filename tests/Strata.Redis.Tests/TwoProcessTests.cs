using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Strata.Redis.Tests.Support;

namespace Strata.Redis.Tests;

/// <summary>
/// Two copies of a web application as separate processes on two ports, sharing one Redis: the dashboard's upstream is
/// queried once per minute of (fake) time or per revalidation, however many requests both receive.
/// </summary>
/// <remarks>
/// The application is tests/apps/Strata.Redis.TestApp, a minimal stand-in for samples/Storefront (its dashboard is a
/// <c>"remote"</c> cached function with <c>CacheLife("minutes")</c> and <c>CacheTag("dashboard")</c>).
/// </remarks>
public sealed class TwoProcessTests : IAsyncLifetime
{
    private const int RequestsPerRound = 40;
    private readonly List<Process> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private RedisServer? _redis;
    private Uri[] _apps = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var prefix = "two-process-" + Guid.NewGuid().ToString("N")[..8] + ":";
        _apps = await Task.WhenAll(StartAppAsync(prefix), StartAppAsync(prefix));
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
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
        Assert.All(await Task.WhenAll(_apps.Select(a => _http.GetStringAsync(new Uri(a, "/_test/handler")))), h => Assert.Equal("RedisCacheHandler", h));

        var counts = new List<int> { await RoundAsync() };
        for (var minute = 1; minute <= 3; minute++)
        {
            await AdvanceAsync(61);
            counts.Add(await RoundAsync());
        }

        (await _http.PostAsync(new Uri(_apps[1], "/revalidate"), null)).EnsureSuccessStatusCode();
        await AdvanceAsync(1); // entries made in the millisecond of a revalidation count as made before it
        counts.Add(await RoundAsync());
        counts.Add(await RoundAsync());

        Assert.Equal([1, 2, 3, 4, 5, 5], counts);
    }

    private Task AdvanceAsync(double seconds) =>
        Task.WhenAll(_apps.Select(a => _http.PostAsync(new Uri(a, FormattableString.Invariant($"/_test/advance?seconds={seconds}")), null)));

    /// <summary>Sends <see cref="RequestsPerRound"/> concurrent requests to each process, waits for refreshes, returns the total upstream calls.</summary>
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

        var calls = await Task.WhenAll(_apps.Select(a => _http.GetFromJsonAsync<int>(new Uri(a, "/_test/upstream-calls"))));
        return calls.Sum();
    }

    private async Task<Uri> StartAppAsync(string prefix)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            AppPath(), "--urls", $"http://127.0.0.1:{port}", $"--Strata:Redis:Configuration={_redis!.Configuration}", $"--Strata:Redis:KeyPrefix={prefix}", $"--Strata:Redis:OperationTimeout={TestTimeouts.Operation}",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The test app did not start.");
        _processes.Add(process);
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var uri = new Uri($"http://127.0.0.1:{port}");
        await Eventually.TrueAsync(
            () =>
            {
                try
                {
                    return _http.GetAsync(new Uri(uri, "/_test/handler")).GetAwaiter().GetResult().IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return process.HasExited ? throw new InvalidOperationException($"The test app exited with code {process.ExitCode}.") : false;
                }
            },
            "the test app to answer",
            60);
        return uri;
    }

    private static string AppPath()
    {
        // tests/Strata.Redis.Tests/bin/<Configuration>/<tfm>/ -> tests/apps/Strata.Redis.TestApp/bin/<Configuration>/<tfm>/
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = tfm.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var path = Path.Combine(tests.FullName, "apps", "Strata.Redis.TestApp", "bin", configuration.Name, tfm.Name, "Strata.Redis.TestApp.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The test app is not built: {path}. Build Strata.slnx (./test.sh does).", path);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
