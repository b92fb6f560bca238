using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Strata.AspNetCore.Tests.TestApp;

namespace Strata.AspNetCore.Tests.Support;

/// <summary>The test app (TestApp/) on a TestServer, with a fake clock in place of <see cref="TimeProvider"/> and a fresh build id.</summary>
public sealed class TestAppFactory(string environment = "Production") : WebApplicationFactory<Program>
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public Probe Probe => Services.GetRequiredService<Probe>();

    public ProductStore Store => Services.GetRequiredService<ProductStore>();

    public CacheRuntime Runtime => Services.GetRequiredService<CacheRuntime>();

    /// <summary>Whether pages are prerendered into static shells after start-up (off by default, so tests see every render).</summary>
    public bool StaticShell { get; init; }

    /// <summary>Whether the app registers the Interactive WebAssembly and Server render modes (off by default: no other test needs them).</summary>
    public bool Interactive { get; init; }

    /// <summary>More configuration settings, applied after the ones above.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>Whether the app calls <c>app.UseStrataShells()</c> before authentication, followed by a middleware that counts the requests reaching it (<c>AfterShells</c>).</summary>
    public bool EarlyShells { get; init; }

    /// <summary>Whether the app's authorization has a fallback policy that requires a signed-in user.</summary>
    public bool FallbackPolicy { get; init; }

    /// <summary>The warnings the app logged.</summary>
    public LogSink Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Strata:StaticShell:Enabled", StaticShell ? "true" : "false");
        builder.UseSetting("Test:Interactive", Interactive ? "true" : "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Test:EarlyShells", EarlyShells ? "true" : "false");
        builder.UseSetting("Test:FallbackPolicy", FallbackPolicy ? "true" : "false");
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.Configure<StrataOptions>(o => o.BuildId = "test-" + Guid.NewGuid().ToString("N"));
        });
    }

    public void Advance(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public Browser Browser() => new(CreateClient());
}

/// <summary>Reads what a test needs from a page.</summary>
public static partial class Html
{
    /// <summary>The decoded text of the element with the id.</summary>
    public static string Text(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{Regex.Escape(id)}\"[^>]*>(.*?)</", RegexOptions.Singleline);
        Assert.True(match.Success, $"no element with id=\"{id}\" in:\n{html}");
        return WebUtility.HtmlDecode(Regex.Replace(match.Groups[1].Value, "<[^>]+>", ""));
    }

    public static bool Has(string html, string id) => html.Contains($"id=\"{id}\"", StringComparison.Ordinal);

    public static string Value(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(header, out var content) ? string.Join(", ", content) : "";

    /// <summary>The Cache-Control header exactly as sent (not re-formatted by HttpClient).</summary>
    public static string CacheControl(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Cache-Control", out var values) ? string.Join(", ", values) : "";
}

/// <summary>A client of the test app that reads pages as text.</summary>
public sealed class Browser(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public async Task<string> Get(string url)
    {
        using var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} -> {(int)response.StatusCode}\n{body}");
        return body;
    }

    public async Task<string> Text(string url, string id) => Html.Text(await Get(url), id);

    public async Task Post(string url)
    {
        using var response = await Client.PostAsync(url, null);
        Assert.True(response.IsSuccessStatusCode, $"POST {url} -> {(int)response.StatusCode}\n{await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Submits the form of a page as a browser would: its hidden fields (handler name, antiforgery token) plus <paramref name="fields"/>.</summary>
    public async Task<string> SubmitForm(string url, params (string Name, string Value)[] fields)
    {
        using var response = await Submit(url, fields);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {url} -> {(int)response.StatusCode}\n{body}");
        return body;
    }

    /// <summary>The response to <see cref="SubmitForm"/>'s post.</summary>
    public async Task<HttpResponseMessage> Submit(string url, params (string Name, string Value)[] fields)
    {
        var page = await Get(url);
        var values = new List<KeyValuePair<string, string>>();
        foreach (Match input in Regex.Matches(page, "<input[^>]*type=\"hidden\"[^>]*>"))
        {
            var name = Regex.Match(input.Value, "name=\"([^\"]*)\"").Groups[1].Value;
            var value = Regex.Match(input.Value, "value=\"([^\"]*)\"").Groups[1].Value;
            values.Add(new(name, WebUtility.HtmlDecode(value)));
        }

        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await Client.PostAsync(url, new FormUrlEncodedContent(values));
    }
}
