using System.Net;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

/// <summary><c>x-strata-cache</c>: the verdict a page response carries about its cached parts.</summary>
public sealed class CacheStatusHeaderTests
{
    private const string Header = "x-strata-cache";

    private static async Task<string> Verdict(HttpClient client, string url, HttpMethod? method = null)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Get, url));
        Assert.True(response.IsSuccessStatusCode, $"{url} -> {(int)response.StatusCode}");
        return Html.Value(response, Header);
    }

    [Fact]
    public async Task Verdict_IsMiss_WhenAPartWasRendered_ThenHit_WhenEveryPartIsAFreshHit()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();

        Assert.Equal("MISS", await Verdict(client, "/life/frequent"));
        Assert.Equal("HIT", await Verdict(client, "/life/frequent"));
    }

    [Fact]
    public async Task Verdict_IsStale_WhenAPartIsPastRevalidate_ThenHitOnceItWasRefreshed()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        await Verdict(client, "/life/frequent"); // revalidate 100, expire 300
        app.Advance(101);

        var stale = await Verdict(client, "/life/frequent");
        await app.Runtime.FlushAsync();
        var refreshed = await Verdict(client, "/life/frequent");

        Assert.Equal("STALE", stale);
        Assert.Equal("HIT", refreshed);
    }

    [Fact]
    public async Task Verdict_IsMiss_WhenAPartExpired()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        await Verdict(client, "/life/frequent");
        app.Advance(301);

        Assert.Equal("MISS", await Verdict(client, "/life/frequent"));
    }

    [Fact]
    public async Task Verdict_IsMiss_WhenATagOfAPartWasExpired()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        await Verdict(client, "/cached-page/1");
        Assert.Equal("HIT", await Verdict(client, "/cached-page/1"));
        app.Advance(0.001);
        await client.PostAsync("/api/revalidate-path?path=/cached-page/1", null);
        app.Advance(0.001);

        Assert.Equal("MISS", await Verdict(client, "/cached-page/1"));
    }

    [Fact]
    public async Task Verdict_IsHit_ForAnOuterCacheHit_WhateverItsNestedCachesWould()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();

        Assert.Equal("MISS", await Verdict(client, "/nested/news"));
        Assert.Equal("HIT", await Verdict(client, "/nested/news"));
    }

    [Theory]
    [InlineData("/cookie-page")] // reads a cookie beside a cached part that is a hit the second time
    [InlineData("/private-query")] // a private cache
    public async Task Verdict_IsDynamic_WhenThePageDependsOnTheRequest(string url)
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        await Verdict(client, url);

        Assert.Equal("DYNAMIC", await Verdict(client, url));
    }

    [Fact]
    public async Task Verdict_IsDynamic_ForAPageWithNoCachedPart()
    {
        using var app = new TestAppFactory();

        Assert.Equal("DYNAMIC", await Verdict(app.CreateClient(), "/plain"));
    }

    [Fact]
    public async Task Verdict_IsDynamic_ForTheResponseToAFormPost()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/edit/1");

        using var response = await browser.Submit("/edit/1", ("NewName", "Steel kettle"), ("Mode", "update"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DYNAMIC", Html.Value(response, Header));
    }

    [Fact]
    public async Task Verdict_IsAbsent_OnEndpointsThatAreNotPages_AndOnServerFunctionCalls()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        using var endpoint = await client.GetAsync("/api/cached");
        using var call = await ServerFunctionTests.Call(client, ServerFunctionTests.Id(app, "Hello"), "[\"Ada\"]", "http://localhost");

        Assert.Equal(HttpStatusCode.OK, endpoint.StatusCode);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal("", Html.Value(endpoint, Header));
        Assert.Equal("", Html.Value(call, Header));
    }

    [Fact]
    public async Task Verdict_OfAHead_IsTheVerdictOfTheGet()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();

        Assert.Equal("MISS", await Verdict(client, "/life/frequent", HttpMethod.Head));
        Assert.Equal("HIT", await Verdict(client, "/life/frequent", HttpMethod.Head));
    }

    [Fact]
    public async Task Verdict_OfAStaticShell_IsHit_AlsoOnA304_AndStaleWhileTheShellIsRegenerated()
    {
        using var app = await StaticShellTests.StartAsync();
        var client = app.CreateClient();
        using var first = await client.GetAsync("/shell");
        var validate = new HttpRequestMessage(HttpMethod.Get, "/shell");
        validate.Headers.TryAddWithoutValidation("If-None-Match", Html.Value(first, "ETag"));
        using var notModified = await client.SendAsync(validate);
        app.Advance(101); // past the part's revalidate

        var stale = await Verdict(client, "/shell");

        Assert.Equal("HIT", Html.Value(first, Header));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("HIT", Html.Value(notModified, Header));
        Assert.Equal("STALE", stale);
    }
}
