using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Strata.E2E.Tests;

/// <summary>
/// Navigation time between two cached product pages in Chromium, with the router cache (the second and later visits come
/// from memory) and without it (Blazor's enhanced navigation alone: every navigation is a request, the server's caches warm). The test asserts what each navigation sent, never a timing; it prints the times, and writes the figure
/// to the file named by <c>STRATA_ROUTER_FIGURE</c> (with <c>STRATA_ROUTER_FIGURE_N</c> navigations per mode, 10 by default).
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class RouterCacheNavigationTimeTests(StorefrontServer server, ITestOutputHelper output)
{
    // Navigates with Blazor and resolves when the target product page is complete (its streamed recommendations are in).
    private const string Navigate = """
        async ([url, id]) => {
          const start = performance.now();
          Blazor.navigateTo(url);
          await new Promise((resolve, reject) => {
            const done = () => location.pathname === url && document.querySelector('.product-page #product-name') &&
              document.querySelector('.admin-link a[href="/admin/products/' + id + '"]') && document.querySelector('#recommendations a[href]');
            const poll = () => done() ? resolve() : performance.now() - start > 15000 ? reject(new Error('not shown: ' + url)) : requestAnimationFrame(poll);
            poll();
          });
          return performance.now() - start;
        }
        """;

    [Fact]
    public async Task NavigatingBetweenTwoCachedPages_SendsRequestsOnlyWithoutTheRouterCache()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("STRATA_ROUTER_FIGURE_N"), CultureInfo.InvariantCulture, out var n) ? n : 10;
        var without = await Measure(routerCache: false, count);
        var with = await Measure(routerCache: true, count);

        Assert.Equal(count, without.Requests); // Blazor alone: one request per navigation
        Assert.Equal(0, with.Requests);        // every navigation came from memory
        Report(count, without.Times, with.Times);
    }

    /// <summary>
    /// Navigates <paramref name="count"/> times between the two pages (after one visit of each) in a fresh browser; without
    /// the router cache, its script is not loaded (plain Blazor enhanced navigation). Both browsers route the script's URL
    /// through Playwright, so both pay the same interception cost.
    /// </summary>
    private async Task<(List<double> Times, int Requests)> Measure(bool routerCache, int count)
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl });
        try
        {
            await context.RouteAsync("**/strata-router*.js", route => routerCache ? route.ContinueAsync() : route.AbortAsync());
            var page = await context.NewPageAsync();
            var requests = 0; // navigation requests (the prefetches the pages' links start are not counted)
            page.Request += (_, request) =>
            {
                if (request.Url.Contains("/product/", StringComparison.Ordinal) && request.ResourceType == "fetch" && !request.Headers.ContainsKey("x-strata-prefetch"))
                {
                    Interlocked.Increment(ref requests);
                }
            };
            await page.GotoAsync("/product/1");
            await page.Locator("#recommendations").WaitForAsync();
            Assert.Equal(routerCache, await page.EvaluateAsync<bool>("() => typeof Strata !== 'undefined' && 'router' in Strata")); // Strata.client (Strata.Client's script) is there either way
            await Time(page, "/product/2", 2); // warms the server's caches (and the router cache)
            await Time(page, "/product/1", 1);
            if (routerCache)
            {
                // A streamed page is kept once its copy has been read to the end (the stale-time trailer comes after the
                // last part the page shows): wait for both, or the first navigation back could race the trailer.
                await page.WaitForFunctionAsync("() => Strata.router.has('/product/1') && Strata.router.has('/product/2')");
            }

            var sent = requests;
            var times = new List<double>();
            for (var i = 0; i < count; i++)
            {
                times.Add(i % 2 == 0 ? await Time(page, "/product/2", 2) : await Time(page, "/product/1", 1));
            }

            return (times, requests - sent);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static Task<double> Time(IPage page, string url, int id) => page.EvaluateAsync<double>(Navigate, new object[] { url, id });

    private void Report(int count, List<double> without, List<double> with)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Navigation time between two cached pages, Chromium ({DateTime.UtcNow:yyyy-MM-ddTHH:mmZ})")
            .AppendLine()
            .AppendLine("Storefront `/product/1` <-> `/product/2` (server caches warm; 30 ms upstream latency for misses; the private")
            .AppendLine("recommendations run on every request that reaches the server), `Blazor.navigateTo` until the page is complete")
            .AppendLine("(streamed parts in). Measured in the page with `performance.now()`; headless Chromium and the server on one machine.")
            .AppendLine(CultureInfo.InvariantCulture, $"Load average: {load}. {count} navigations per mode. Produced by `RouterCacheNavigationTimeTests`.")
            .AppendLine()
            .AppendLine("| mode | median | p90 | min | max | requests |")
            .AppendLine("|---|---:|---:|---:|---:|---:|")
            .AppendLine(Row("Blazor enhanced navigation alone", without, count))
            .AppendLine(Row("with the router cache (`<StrataScripts />`)", with, 0))
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Median ratio: {Percentile(without, 0.5) / Math.Max(Percentile(with, 0.5), 0.001):0.0}x faster with the router cache.")
            .ToString();
        output.WriteLine(text);
        if (Environment.GetEnvironmentVariable("STRATA_ROUTER_FIGURE") is { Length: > 0 } path)
        {
            File.WriteAllText(path, text);
        }
    }

    private static string Row(string mode, List<double> times, int requests) => string.Create(CultureInfo.InvariantCulture,
        $"| {mode} | {Percentile(times, 0.5):0.0} ms | {Percentile(times, 0.9):0.0} ms | {times.Min():0.0} ms | {times.Max():0.0} ms | {requests} |");

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
