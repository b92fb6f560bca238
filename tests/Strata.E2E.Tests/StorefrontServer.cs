using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>
/// The Storefront sample, started as its own process on a free loopback port with a fresh database, and a real Chromium
/// (/usr/bin/chromium) driven by Playwright. Both are stopped (the server by its PID) when the tests end.
/// </summary>
public sealed class StorefrontServer : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private Process? _process;
    private IPlaywright? _playwright;
    private string? _dataDirectory;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        _dataDirectory = Directory.CreateTempSubdirectory("storefront-e2e-").FullName;
        var metadata = typeof(StorefrontServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var dll = metadata["StorefrontDll"]!;
        Assert.True(File.Exists(dll), $"The Storefront sample is not built: {dll}");

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = metadata["StorefrontProject"]!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUrl);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Storefront__Database"] = Path.Combine(_dataDirectory, "storefront.db");
        start.Environment["Storefront__UpstreamLatencyMs"] = "30";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(_process.HasExited, "The Storefront sample exited:\n" + Log);
            try
            {
                using var response = await http.GetAsync(BaseUrl + "/api/upstream-calls");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "The Storefront sample did not answer within 60 s:\n" + Log);
            await Task.Delay(200); // waiting for the process to listen, not for a cache to expire
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>A new page in a fresh browser context (its own cookies; JavaScript on unless <paramref name="javaScript"/> is false), whose router cache prefetches nothing.</summary>
    public async Task<IPage> NewPage(bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1200, Height = 900 }, JavaScriptEnabled = javaScript });
        context.SetDefaultTimeout(15000);

        // These tests count upstream calls per visit: the router cache's prefetches (x-strata-prefetch) would render other
        // pages in the background and add calls. RouterCacheTests drive the router cache, prefetches included.
        await context.RouteAsync("**/*", route => route.Request.Headers.ContainsKey("x-strata-prefetch") ? route.AbortAsync() : route.ContinueAsync());
        return await context.NewPageAsync();
    }

    public static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class StorefrontCollection : ICollectionFixture<StorefrontServer>
{
    public const string Name = "Storefront";
}
