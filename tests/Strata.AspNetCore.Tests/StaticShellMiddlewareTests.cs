using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Shell;
using Strata.AspNetCore.Tests.Support;
using static Strata.AspNetCore.Tests.StaticShellTests;

namespace Strata.AspNetCore.Tests;

/// <summary>
/// <c>app.UseStrataShells()</c>: shells that are bytes alone are served where it stands in the pipeline (before authentication
/// in the test app), with the same headers as from <c>app.UseStrata()</c>; the middleware after it does not run for them.
/// </summary>
public sealed class StaticShellMiddlewareTests
{
    private static Task<TestAppFactory> StartEarlyAsync(bool fallbackPolicy = false) =>
        StartAsync(new TestAppFactory { StaticShell = true, EarlyShells = true, FallbackPolicy = fallbackPolicy });

    [Fact]
    public async Task Shell_IsServedBeforeTheMiddlewareAfterUseStrataShells_WithTheSameHeaders()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();
        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/shell", out var shell));

        var (response, body) = await Get(client, "/shell");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(shell.Document.Body, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("part #1", Html.Text(body, "shell-part"));
        Assert.Equal(shell.Document.ETag, Html.Value(response, "ETag"));
        Assert.Equal("s-maxage=100, stale-while-revalidate=200", Html.CacheControl(response));
        Assert.Equal("19", Html.Value(response, "x-strata-stale-time"));
        Assert.Equal("HIT", Html.Value(response, "x-strata-cache"));
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(shell.Document.Body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("", Html.Value(response, "x-test-after-shells"));
        Assert.Equal(0, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task RequestTheShellDoesNotStandFor_GoesOnThroughThePipeline()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();

        var (query, queryBody) = await Get(client, "/shell?page=2"); // a component could read the query: rendered
        var (post, _) = await Get(client, "/api/revalidate-tag-max/unrelated", m => m.Method = HttpMethod.Post);

        Assert.Equal("ran", Html.Value(query, "x-test-after-shells"));
        Assert.Equal("", Html.Value(query, "ETag"));
        Assert.Equal("part #1", Html.Text(queryBody, "shell-part"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(2, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task MatchingIfNoneMatch_Gets304_AndHeadGetsTheHeadersWithoutBody()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();
        var (first, firstBody) = await Get(client, "/shell");
        var etag = Html.Value(first, "ETag");

        var (notModified, notModifiedBody) = await Get(client, "/shell", m => m.Headers.TryAddWithoutValidation("If-None-Match", etag));
        var (head, headBody) = await Get(client, "/shell", m => m.Method = HttpMethod.Head);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("", notModifiedBody);
        Assert.Equal(etag, Html.Value(notModified, "ETag"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("", headBody);
        Assert.Equal(etag, Html.Value(head, "ETag"));
        Assert.Equal(firstBody.Length, head.Content.Headers.ContentLength);
        Assert.Equal(0, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task StaleShell_IsServedOnceWhileItIsRegenerated_ThenTheNewOne()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();
        app.Advance(101); // past the part's revalidate (100 s), before its expire

        var (stale, staleBody) = await Get(client, "/shell");
        await Idle(app);
        var (fresh, freshBody) = await Get(client, "/shell");

        Assert.Equal("STALE", Html.Value(stale, "x-strata-cache"));
        Assert.Equal("part #1", Html.Text(staleBody, "shell-part"));
        Assert.Equal("HIT", Html.Value(fresh, "x-strata-cache"));
        Assert.Equal("part #2", Html.Text(freshBody, "shell-part"));
        Assert.Equal(0, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task ExpiredShell_IsNotServedEarly_ThePageIsRenderedThroughThePipeline()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();
        app.Advance(301); // past the part's expire

        var (response, body) = await Get(client, "/shell");

        Assert.Equal("ran", Html.Value(response, "x-test-after-shells"));
        Assert.Equal("", Html.Value(response, "ETag"));
        Assert.NotEqual("part #1", Html.Text(body, "shell-part")); // rendered again: the part had expired
    }

    [Fact]
    public async Task PageWithStreamedParts_IsLeftToUseStrata_WhichStreamsItsHole()
    {
        using var app = await StartEarlyAsync();
        app.Probe.HoleGate.SetResult();
        var client = app.CreateClient();

        var (response, body) = await Get(client, "/holes", m => m.Headers.Add("Cookie", "theme=dark"));

        Assert.Equal("ran", Html.Value(response, "x-test-after-shells"));
        Assert.True(Html.Has(body, "hole-fallback")); // the shell, from UseStrata
        Assert.Contains("<p id=\"hole\">theme dark</p></template>", body, StringComparison.Ordinal);
        Assert.Equal(1, app.Probe.Count("ShellPart"));
    }

    [Fact]
    public async Task UnderAFallbackPolicy_NoShellIsServedBeforeAuthorization()
    {
        using var app = await StartEarlyAsync(fallbackPolicy: true);
        var client = app.CreateClient();
        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/shell", out var shell)); // made: the page is public to the prerender

        var (anonymous, _) = await Get(client, "/shell");
        var (signedIn, _) = await Get(client, "/shell", m => m.Headers.Add("X-Test-User", "ada"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode); // the fallback policy refused it
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(shell.Document.ETag, Html.Value(signedIn, "ETag")); // the shell, served by UseStrata after authorization
        Assert.Equal(2, app.Probe.Count("AfterShells"));
    }
}
