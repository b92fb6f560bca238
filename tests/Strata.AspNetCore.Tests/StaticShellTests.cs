using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Http;
using Strata.AspNetCore.Shell;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

/// <summary>The static shell: pages prerendered after start-up and served as bytes from memory while what they show is fresh.</summary>
public sealed class StaticShellTests
{
    internal static async Task<TestAppFactory> StartAsync(TestAppFactory? app = null)
    {
        app ??= new TestAppFactory { StaticShell = true };
        _ = app.Server; // starts the host: the prerender runs after start-up
        await Idle(app);
        return app;
    }

    internal static async Task Idle(TestAppFactory app)
    {
        try
        {
            await app.Services.GetRequiredService<ShellPrerenderer>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Assert.Fail("The prerender did not end. Log:\n" + string.Join("\n", app.Logs.Messages));
        }
    }

    internal static async Task<(HttpResponseMessage Response, string Body)> Get(HttpClient client, string url, Action<HttpRequestMessage>? configure = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, url);
        configure?.Invoke(message);
        var response = await client.SendAsync(message);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FullyCachedPage_IsPrerenderedAfterStartUp_AndServedWithoutRendering()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        var prerendered = app.Probe.Count("ShellPart");

        var (first, firstBody) = await Get(client, "/shell");
        var (second, secondBody) = await Get(client, "/shell");

        Assert.Equal(1, prerendered); // rendered once, by the prerender (its enhanced-navigation variant was a hit)
        Assert.Equal(1, app.Probe.Count("ShellPart"));
        Assert.Equal("part #1", Html.Text(firstBody, "shell-part"));
        Assert.Equal(firstBody, secondBody);
        Assert.False(string.IsNullOrEmpty(Html.Value(first, "ETag")));
        Assert.Equal(Html.Value(first, "ETag"), Html.Value(second, "ETag"));
        Assert.Equal("s-maxage=100, stale-while-revalidate=200", Html.CacheControl(first));
        Assert.Equal("19", Html.Value(first, "x-strata-stale-time"));
        Assert.Equal(firstBody.Length, first.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task ShellOfAnAppWithInteractiveRenderModes_CarriesNoPersistedComponentState()
    {
        // Blazor persists component state (the prerender's antiforgery token, encrypted) into every page of an app with an
        // interactive render mode; a shell must not serve the prerender's copy to every visitor.
        using var app = new TestAppFactory { StaticShell = true, Interactive = true };
        _ = app.Server;
        await Idle(app);
        var client = app.CreateClient();

        var (response, body) = await Get(client, "/shell");
        var (_, again) = await Get(client, "/shell");

        Assert.False(string.IsNullOrEmpty(Html.Value(response, "ETag"))); // from the shell
        Assert.Equal(body, again);
        Assert.Equal("part #1", Html.Text(body, "shell-part"));
        Assert.DoesNotContain("Component-State:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageWithAnInteractiveComponent_IsNotAShell_ItsMarkerIsMadePerResponse()
    {
        using var app = new TestAppFactory { StaticShell = true, Interactive = true };
        _ = app.Server;
        await Idle(app);
        var client = app.CreateClient();

        var (first, firstBody) = await Get(client, "/shell-interactive");
        var (_, secondBody) = await Get(client, "/shell-interactive");

        Assert.Equal("", Html.Value(first, "ETag"));
        Assert.Contains("<!--Blazor:{", firstBody, StringComparison.Ordinal);
        Assert.NotEqual(firstBody, secondBody); // each response has a marker of its own
        Assert.Contains(app.Logs.Messages, m => m.Contains("/shell-interactive", StringComparison.Ordinal) && m.Contains("interactive component", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MatchingIfNoneMatch_Gets304WithoutBody()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        var (first, _) = await Get(client, "/shell");
        var etag = Html.Value(first, "ETag");

        var (second, body) = await Get(client, "/shell", m => m.Headers.TryAddWithoutValidation("If-None-Match", etag));

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal("", body);
        Assert.Equal(etag, Html.Value(second, "ETag"));
    }

    [Theory]
    [InlineData("gzip, deflate, br, zstd", "br")] // Chromium's
    [InlineData("gzip", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("br;q=0.5, gzip;q=0.8", "gzip")]
    [InlineData("*", "br")]
    [InlineData("identity", null)]
    [InlineData("br;q=0, gzip;q=0", null)]
    [InlineData(null, null)]
    public async Task Shell_IsServedCompressedOnceWhenItWasMade_InTheEncodingTheRequestAccepts(string? acceptEncoding, string? expected)
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        var (plain, plainBody) = await Get(client, "/shell");

        var response = await client.SendAsync(WithAcceptEncoding(new HttpRequestMessage(HttpMethod.Get, "/shell"), acceptEncoding));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected is null ? [] : [expected], response.Content.Headers.ContentEncoding);
        Assert.Equal(plainBody, Encoding.UTF8.GetString(Decode(bytes, expected)));
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(expected is null, Html.Value(plain, "ETag") == Html.Value(response, "ETag")); // a strong validator per encoding
        Assert.Equal(1, app.Probe.Count("ShellPart")); // from memory: the prerender rendered it once
    }

    [Fact]
    public async Task CompressedShell_Gets304_ForItsOwnEntityTagOnly()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        var brotli = await client.SendAsync(WithAcceptEncoding(new HttpRequestMessage(HttpMethod.Get, "/shell"), "br"));
        var etag = Html.Value(brotli, "ETag");

        var again = await client.SendAsync(WithAcceptEncoding(new HttpRequestMessage(HttpMethod.Get, "/shell"), "br", etag));
        var otherEncoding = await client.SendAsync(WithAcceptEncoding(new HttpRequestMessage(HttpMethod.Get, "/shell"), "gzip", etag));
        var uncompressed = await client.SendAsync(WithAcceptEncoding(new HttpRequestMessage(HttpMethod.Get, "/shell"), null, etag));

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherEncoding.StatusCode);
        Assert.Equal(["gzip"], otherEncoding.Content.Headers.ContentEncoding);
        Assert.Equal(HttpStatusCode.OK, uncompressed.StatusCode);
        Assert.Empty(uncompressed.Content.Headers.ContentEncoding);
    }

    private static HttpRequestMessage WithAcceptEncoding(HttpRequestMessage message, string? acceptEncoding, string? ifNoneMatch = null)
    {
        if (acceptEncoding is not null)
        {
            message.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        if (ifNoneMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return message;
    }

    private static byte[] Decode(byte[] bytes, string? encoding)
    {
        using var output = new MemoryStream();
        using (Stream input = encoding switch
        {
            "br" => new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress),
            "gzip" => new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress),
            _ => new MemoryStream(bytes),
        })
        {
            input.CopyTo(output);
        }

        return output.ToArray();
    }

    [Fact]
    public async Task EnhancedNavigation_GetsTheEnhancedVariant_FromMemory()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();

        var (response, body) = await Get(client, "/shell", m => m.Headers.TryAddWithoutValidation("Accept", "text/html; blazor-enhanced-nav=on"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("part #1", Html.Text(body, "shell-part"));
        Assert.Equal("19", Html.Value(response, "x-strata-stale-time")); // the router cache reads it
        Assert.Equal(1, app.Probe.Count("ShellPart"));
    }

    [Fact]
    public async Task ExpiredTag_IsNotServedFromTheShell_AndTheShellIsRegenerated()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        await Get(client, "/shell");
        app.Advance(0.001);

        (await client.PostAsync("/api/revalidate-tag/shell-part", null)).EnsureSuccessStatusCode(); // expires now
        app.Advance(0.001); // entries made in the millisecond of an expiry count as expired
        var (after, afterBody) = await Get(client, "/shell");
        await Idle(app);
        var (later, laterBody) = await Get(client, "/shell");

        Assert.Equal("part #2", Html.Text(afterBody, "shell-part")); // rendered for this request, with fresh data
        Assert.Equal("", Html.Value(after, "ETag"));
        Assert.Equal("part #2", Html.Text(laterBody, "shell-part")); // the regenerated shell
        Assert.NotEqual("", Html.Value(later, "ETag"));
    }

    [Fact]
    public async Task StaleShell_IsServedOnce_WhileItIsRegenerated_AfterRevalidateTagWithProfile()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        var (before, _) = await Get(client, "/shell");
        app.Advance(0.001);

        (await client.PostAsync("/api/revalidate-tag-max/shell-part", null)).EnsureSuccessStatusCode();
        var (stale, staleBody) = await Get(client, "/shell");
        await Idle(app);
        var (fresh, freshBody) = await Get(client, "/shell");

        Assert.Equal("part #1", Html.Text(staleBody, "shell-part"));
        Assert.Equal(Html.Value(before, "ETag"), Html.Value(stale, "ETag"));
        Assert.Equal("part #2", Html.Text(freshBody, "shell-part"));
        Assert.NotEqual(Html.Value(before, "ETag"), Html.Value(fresh, "ETag"));
    }

    [Fact]
    public async Task ShellPastRevalidate_IsServedStale_ThenRegenerated()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        app.Advance(101);

        var (_, staleBody) = await Get(client, "/shell");
        await Idle(app);
        var (_, freshBody) = await Get(client, "/shell");

        Assert.Equal("part #1", Html.Text(staleBody, "shell-part"));
        Assert.Equal("part #2", Html.Text(freshBody, "shell-part"));
    }

    [Fact]
    public async Task ShellPastExpire_IsNotServed()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        app.Advance(301);

        var (response, body) = await Get(client, "/shell");

        AssertRenderedForTheRequest(response, body);
    }

    [Fact]
    public async Task RevalidatePath_ExpiresTheShellOfThePath()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        app.Advance(0.001);

        (await client.PostAsync("/api/revalidate-path?path=/shell", null)).EnsureSuccessStatusCode();
        app.Advance(0.001);
        var (response, body) = await Get(client, "/shell");

        AssertRenderedForTheRequest(response, body);
    }

    /// <summary>
    /// The page was rendered for this request, not served from the old shell (part #1, with an ETag). The request that
    /// finds the shell expired also schedules its regeneration in the background, which may run the part first: the
    /// request then shows part #3 instead of #2; both are fresh.
    /// </summary>
    private static void AssertRenderedForTheRequest(HttpResponseMessage response, string body)
    {
        Assert.Matches("^part #[23]$", Html.Text(body, "shell-part"));
        Assert.Equal("", Html.Value(response, "ETag"));
    }

    [Fact]
    public async Task PageThatMayShowUncachedData_HasNoShell_AndTheReasonIsLogged()
    {
        using var app = await StartAsync();

        Assert.False(app.Services.GetRequiredService<ShellStore>().TryGet("/shell-inject", out _));
        Assert.Contains(app.Logs.Messages, m => m.StartsWith("No static shell for /shell-inject: ShellInjectPage injects ProductStore as 'Store'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/cookie-page", "CookiePage read Cookies()")]
    [InlineData("/context-page", "ContextReader reads the HttpContext (the cascading parameter 'Context')")]
    [InlineData("/connection-page", "ConnectionPage read Connection()")]
    public async Task RequestDataOutsideAStreamingBoundary_IsAnErrorAtPrerender_NamingTheComponentAndTheFix(string path, string reader)
    {
        using var app = await StartAsync();

        Assert.False(app.Services.GetRequiredService<ShellStore>().TryGet(path, out _));
        var error = Assert.Single(app.Logs.Warnings, w => w.StartsWith($"Route {path}: ", StringComparison.Ordinal));
        Assert.StartsWith($"Route {path}: {reader} outside a streaming boundary while the page was prerendered", error, StringComparison.Ordinal);
        Assert.Contains("Read request data in a [StreamRendering] component (or a component it renders)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForceDynamicPage_IsNotPrerendered_AndIsRenderedForEachRequestAsDynamic()
    {
        using var app = await StartAsync();
        var prerenderLog = app.Logs.Messages;

        var (response, body) = await Get(app.CreateClient(), "/force-dynamic-page");

        Assert.False(app.Services.GetRequiredService<ShellStore>().TryGet("/force-dynamic-page", out _));
        Assert.Contains(prerenderLog, m => m.StartsWith("Static shell of /shell:", StringComparison.Ordinal)); // the other pages were judged
        Assert.DoesNotContain(prerenderLog, m => m.Contains("/force-dynamic-page", StringComparison.Ordinal)); // this one was not: no verdict, no error
        Assert.Equal("plain", Html.Text(body, "plain"));
        Assert.Equal("DYNAMIC", Html.Value(response, "x-strata-cache"));
        Assert.Equal(StrataWebRequest.PrivateCacheControl, Html.CacheControl(response)); // it used a cache, yet is not publicly cacheable
        Assert.Equal("", Html.Value(response, "ETag"));
    }

    [Fact]
    public async Task PageReadingRequestDataOutsideABoundary_IsStillServed_RenderedForEachRequest()
    {
        using var app = await StartAsync();

        var (response, body) = await Get(app.CreateClient(), "/cookie-page", m => m.Headers.Add("Cookie", "theme=dark"));

        Assert.Equal("dark", Html.Text(body, "theme"));
        Assert.Equal("", Html.Value(response, "ETag"));
    }

    [Fact]
    public async Task PageWithAHole_SendsTheShellFirst_ThenStreamsTheHoleIntoTheSameResponse()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/holes", out var shell));
        var shellText = Encoding.UTF8.GetString(shell.Document.Body);

        using var message = new HttpRequestMessage(HttpMethod.Get, "/holes");
        message.Headers.Add("Cookie", "theme=dark");
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = await ReadAtLeast(body, shell.Document.Body.Length);
        app.Probe.HoleGate.SetResult();
        var rest = await new StreamReader(body).ReadToEndAsync();

        Assert.StartsWith(shellText, first, StringComparison.Ordinal); // the shell's bytes, from memory, first
        Assert.Equal("part #1", Html.Text(first, "shell-part")); // the cached part
        Assert.True(Html.Has(first, "hole-fallback")); // and the hole's fallback
        Assert.DoesNotContain("theme dark", first, StringComparison.Ordinal);
        Assert.Matches("^<blazor-ssr><template blazor-component-id=\"\\d+\"><p id=\"hole\">theme dark</p></template><blazor-ssr-end></blazor-ssr-end></blazor-ssr>", rest);
        Assert.Equal(StrataWebRequest.PrivateCacheControl, Html.CacheControl(response)); // the response depends on the visitor
        Assert.Equal("", Html.Value(response, "ETag"));
        Assert.Equal(1, app.Probe.Count("ShellPart")); // the cached part was rendered once, by the prerender
    }

    [Fact]
    public async Task HoleReadingCookies_SeesEachVisitorsCookie()
    {
        using var app = await StartAsync();
        app.Probe.HoleGate.SetResult();
        var client = app.CreateClient();

        var (_, dark) = await Get(client, "/holes", m => m.Headers.Add("Cookie", "theme=dark"));
        var (_, light) = await Get(client, "/holes", m => m.Headers.Add("Cookie", "theme=light"));
        var (_, none) = await Get(client, "/holes");

        Assert.Contains("<p id=\"hole\">theme dark</p></template>", dark, StringComparison.Ordinal);
        Assert.Contains("<p id=\"hole\">theme light</p></template>", light, StringComparison.Ordinal);
        Assert.Contains("<p id=\"hole\">theme none</p></template>", none, StringComparison.Ordinal);
        Assert.DoesNotContain("theme dark", light, StringComparison.Ordinal);
        Assert.Equal(1, app.Probe.Count("ShellPart"));
    }

    [Fact]
    public async Task EnhancedNavigation_ToAPageWithAHole_GetsTheShellAndTheFrame_WithTheFramingIdOfItsHeader()
    {
        using var app = await StartAsync();
        app.Probe.HoleGate.SetResult();
        var client = app.CreateClient();

        var (first, firstBody) = await Get(client, "/holes", m => m.Headers.TryAddWithoutValidation("Accept", "text/html; blazor-enhanced-nav=on"));
        var (second, _) = await Get(client, "/holes", m => m.Headers.TryAddWithoutValidation("Accept", "text/html; blazor-enhanced-nav=on"));

        var framing = Html.Value(first, "ssr-framing");
        Assert.NotEqual("", framing);
        Assert.NotEqual(framing, Html.Value(second, "ssr-framing")); // one per response, as Blazor does
        var parts = firstBody.Split($"<!--{framing}-->");
        Assert.Equal(3, parts.Length); // the shell, then one frame, each ended by the framing comment
        Assert.True(Html.Has(parts[0], "hole-fallback"));
        Assert.Contains("enhanced-nav=\"true\"><p id=\"hole\">theme none</p></template>", parts[1], StringComparison.Ordinal);
        Assert.DoesNotContain("<!--", parts[2].Replace("<!--strata-stale-time:", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoleThatReadsCookiesBeforeItsFirstAwait_IsSentAtOnceAfterTheShell_WhenItDiffersForTheVisitor()
    {
        using var app = await StartAsync();
        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/early-hole", out var shell));
        var shellText = Encoding.UTF8.GetString(shell.Document.Body);

        var (_, dark) = await Get(app.CreateClient(), "/early-hole", m => m.Headers.Add("Cookie", "theme=dark"));
        var (_, none) = await Get(app.CreateClient(), "/early-hole");

        Assert.Equal("none", Html.Text(shellText, "early")); // the prerender had no visitor
        Assert.StartsWith(shellText, dark, StringComparison.Ordinal);
        Assert.Matches("^<blazor-ssr><template blazor-component-id=\"\\d+\"><p id=\"early\">dark</p></template>", dark[shellText.Length..]);
        Assert.Equal(2, CountOf(dark[shellText.Length..], "<template")); // the visitor's first content, then Blazor's update after the await
        Assert.Equal(1, CountOf(none[shellText.Length..], "<template")); // the same as the shell's: only Blazor's update
    }

    [Fact]
    public async Task RequestDataInsideAStreamingPage_ThatDidNotStream_IsAHoleRenderedForEachVisitor()
    {
        using var app = await StartAsync();
        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/nested-hole", out var shell));
        var shellText = Encoding.UTF8.GetString(shell.Document.Body);

        var (response, dark) = await Get(app.CreateClient(), "/nested-hole", m => m.Headers.Add("Cookie", "theme=dark"));

        Assert.Equal("none", Html.Text(shellText, "nested")); // the whole page, as a visitor without cookies gets it
        Assert.StartsWith(shellText, dark, StringComparison.Ordinal);
        Assert.Contains("<p id=\"nested\">dark</p>", dark[shellText.Length..], StringComparison.Ordinal); // a frame for the page's boundary
        Assert.Equal(StrataWebRequest.PrivateCacheControl, Html.CacheControl(response));
        Assert.Equal(1, app.Probe.Count("ShellPart"));
    }

    [Fact]
    public async Task StreamRenderingPage_IsAShellWithItsFallback()
    {
        using var app = await StartAsync();

        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/stream", out var shell));
        Assert.Contains("id=\"fallback\"", Encoding.UTF8.GetString(shell.Document.Body), StringComparison.Ordinal);
        Assert.Contains(app.Logs.Messages, m => m.StartsWith("Static shell of /stream: ", StringComparison.Ordinal) && m.Contains("1 streamed part(s)", StringComparison.Ordinal));
    }

    private static int CountOf(string text, string value) => text.Split(value).Length - 1;

    private static async Task<string> ReadAtLeast(Stream body, int bytes)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (received.Length < bytes)
        {
            var read = await body.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            received.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }
}
