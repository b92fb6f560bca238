using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Shell;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

/// <summary>The static shell: pages prerendered after start-up and served as bytes from memory while what they show is fresh.</summary>
public sealed class StaticShellTests
{
    internal static async Task<TestAppFactory> StartAsync()
    {
        var app = new TestAppFactory { StaticShell = true };
        _ = app.Server; // starts the host: the prerender runs after start-up
        await Idle(app);
        return app;
    }

    private static async Task Idle(TestAppFactory app)
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

    private static async Task<(HttpResponseMessage Response, string Body)> Get(HttpClient client, string url, Action<HttpRequestMessage>? configure = null)
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

    [Theory]
    [InlineData("/cookie-page", "it read request data")]
    [InlineData("/shell-inject", "ShellInjectPage injects ProductStore as 'Store'")]
    [InlineData("/stream", "part of it is streamed")]
    public async Task PageThatIsNotStatic_HasNoShell_AndTheReasonIsLogged(string path, string reason)
    {
        using var app = await StartAsync();

        Assert.False(app.Services.GetRequiredService<ShellStore>().TryGet(path, out _));
        Assert.Contains(app.Logs.Messages, m => m.Contains($"No static shell for {path}: ", StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HeadToShellPage_HasTheGetHeaders_AndNoBody()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        var (get, _) = await Get(client, "/shell");

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/shell"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(Html.Value(get, "ETag"), Html.Value(head, "ETag"));
        Assert.Equal(Html.CacheControl(get), Html.CacheControl(head));
    }

    [Fact]
    public async Task RequestWithQueryString_IsRendered()
    {
        using var app = await StartAsync();

        var (response, body) = await Get(app.CreateClient(), "/shell?utm=x");

        Assert.Equal("", Html.Value(response, "ETag"));
        Assert.Equal("part #1", Html.Text(body, "shell-part")); // a hit of the cached part
    }
}
