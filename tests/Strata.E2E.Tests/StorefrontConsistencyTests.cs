using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Strata.E2E.Tests;

/// <summary>
/// The HTTP check: on the real Storefront (its own process), concurrent visitors load a product page while an admin saves
/// the product every 100 ms (a new name and price each time, with UpdateTag). Once a save's response has arrived, no page
/// request that starts later may show an older name or price: each one that does is a violation. Runs about 12 s in
/// ./test.sh; bench/http/consistency.sh runs it longer (STRATA_HTTP_CHECK_SECONDS) and writes a report
/// (STRATA_HTTP_CHECK_REPORT).
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed partial class StorefrontConsistencyTests(StorefrontServer server)
{
    private const int Product = 13; // no other test reads or writes it
    private const int Visitors = 8;
    private const decimal PriceBase = 1000m; // save n sets the price to 1000 + n (the seeded prices are below 200)
    private static readonly TimeSpan SaveInterval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task AfterEachAdminSave_NoPageRequestThatStartsLater_ShowsTheOldValue()
    {
        var duration = TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("STRATA_HTTP_CHECK_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 12);
        using var admin = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(server.BaseUrl) };
        using var visitors = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = Visitors }) { BaseAddress = new Uri(server.BaseUrl) };
        var form = await admin.GetStringAsync($"/admin/products/{Product}");
        var hidden = HiddenInput().Matches(form).Select(m => new KeyValuePair<string, string>(m.Groups["name"].Value, WebUtility.HtmlDecode(m.Groups["value"].Value))).ToList();
        await visitors.GetStringAsync($"/product/{Product}"); // the caches hold the seeded values

        var completed = 0; // the last save whose response has arrived
        var run = new Run();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);

        var readers = Enumerable.Range(0, Visitors).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var expected = Volatile.Read(ref completed);
                var started = clock.Elapsed;
                var page = await visitors.GetStringAsync($"/product/{Product}");
                var (name, price) = (NameVersion(page), PriceVersion(page));
                run.Read(expected, name, price, started);
            }
        })).ToArray();

        try
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                var started = clock.Elapsed;
                using var response = await admin.PostAsync($"/admin/products/{Product}", new FormUrlEncodedContent(
                [
                    .. hidden,
                    new("Form.Name", $"Consistency check {n}"),
                    new("Form.Price", (PriceBase + n).ToString(CultureInfo.InvariantCulture)),
                    new("Form.Description", $"Saved by the HTTP check, save {n}."),
                ]));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK && body.Contains("id=\"admin-saved\"", StringComparison.Ordinal), $"save {n} failed: {(int)response.StatusCode}\n{body}");
                Volatile.Write(ref completed, n);
                run.Saved(clock.Elapsed - started);
                var next = started + SaveInterval - clock.Elapsed;
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next); // the admin's pace, not a wait for a cache
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }
        var report = run.Report(duration, clock.Elapsed);
        Console.WriteLine(report);
        if (Environment.GetEnvironmentVariable("STRATA_HTTP_CHECK_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report);
        }

        Assert.True(run.Violations == 0, report);
        Assert.True(run.Saves >= duration.TotalSeconds * 3, $"too few saves to mean anything:\n{report}");
        Assert.True(run.CheckedReads >= run.Saves * 3, $"too few page requests after saves to mean anything:\n{report}");
    }

    /// <summary>Which save the page's name shows (0: none yet).</summary>
    private static int NameVersion(string page)
    {
        var match = Name().Match(page);
        Assert.True(match.Success, "no product name in the page:\n" + page);
        return int.TryParse(match.Groups["n"].Value, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>Which save the page's price shows (0: none yet). The price is streamed in, so the last one in the page counts.</summary>
    private static int PriceVersion(string page)
    {
        var matches = Price().Matches(page);
        Assert.True(matches.Count > 0, "no product price in the page:\n" + page);
        var price = decimal.Parse(matches[^1].Groups["p"].Value, CultureInfo.InvariantCulture);
        return price > PriceBase && decimal.Truncate(price) == price ? (int)(price - PriceBase) : 0;
    }

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]*)\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("id=\"product-name\">(Consistency check (?<n>[0-9]+)|[^<]*)<")]
    private static partial Regex Name();

    [GeneratedRegex("id=\"product-price\">\\$(?<p>[0-9.]+)<")]
    private static partial Regex Price();

    /// <summary>What a run saw: saves and their latency, page requests, and the ones that showed an older save than they must.</summary>
    private sealed class Run
    {
        private readonly object _gate = new();
        private readonly List<double> _saveMs = [];
        private readonly List<string> _stale = [];
        private readonly HashSet<int> _staleAfter = [];
        private int _reads;

        public int Saves { get; private set; }

        public int CheckedReads { get; private set; }

        public int Violations { get; private set; }

        public void Saved(TimeSpan took)
        {
            lock (_gate)
            {
                Saves++;
                _saveMs.Add(took.TotalMilliseconds);
            }
        }

        public void Read(int expected, int name, int price, TimeSpan started)
        {
            lock (_gate)
            {
                _reads++;
                if (expected == 0)
                {
                    return;
                }

                CheckedReads++;
                if (name < expected || price < expected)
                {
                    Violations++;
                    _staleAfter.Add(expected);
                    if (_stale.Count < 20)
                    {
                        _stale.Add($"| {started.TotalSeconds:0.000} | {expected} | {name} | {price} |");
                    }
                }
            }
        }

        public string Report(TimeSpan planned, TimeSpan took)
        {
            lock (_gate)
            {
                var sorted = _saveMs.Order().ToArray();
                double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
                var text = new StringBuilder()
                    .AppendLine(CultureInfo.InvariantCulture, $"# HTTP check: no stale read after an admin save — {DateTime.UtcNow:yyyy-MM-ddTHH:mmZ}")
                    .AppendLine()
                    .AppendLine(CultureInfo.InvariantCulture, $"The Storefront sample in its own process (Release build, Development environment, 30 ms upstream latency, in-memory cache handler); {Visitors} visitors load /product/{Product} without pause while an admin saves that product every {SaveInterval.TotalMilliseconds:0} ms (a new name and price; UpdateTag in the form handler). A page request that starts after a save's response arrived and shows an older name or price is a violation.")
                    .AppendLine()
                    .AppendLine("| figure | value |")
                    .AppendLine("|---|---|")
                    .AppendLine(CultureInfo.InvariantCulture, $"| duration | {took.TotalSeconds:0.0} s (planned {planned.TotalSeconds:0} s) |")
                    .AppendLine(CultureInfo.InvariantCulture, $"| admin saves | {Saves} (response time p50 {Percentile(0.5):0} ms, p99 {Percentile(0.99):0} ms) |")
                    .AppendLine(CultureInfo.InvariantCulture, $"| page requests | {_reads} ({_reads / took.TotalSeconds:0} per second) |")
                    .AppendLine(CultureInfo.InvariantCulture, $"| page requests started after a save | {CheckedReads} |")
                    .AppendLine(CultureInfo.InvariantCulture, $"| **violations** (stale name or price) | **{Violations}** |")
                    .AppendLine(CultureInfo.InvariantCulture, $"| saves followed by a stale page | {_staleAfter.Count} of {Saves} ({100.0 * _staleAfter.Count / Math.Max(1, Saves):0.0} %) |")
                    .AppendLine(CultureInfo.InvariantCulture, $"| machine | {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end |");
                if (_stale.Count > 0)
                {
                    text.AppendLine().AppendLine("First violations:").AppendLine().AppendLine("| started at (s) | last save answered | name shows save | price shows save |").AppendLine("|---|---|---|---|");
                    _stale.ForEach(line => text.AppendLine(line));
                }

                return text.ToString();
            }
        }
    }
}
