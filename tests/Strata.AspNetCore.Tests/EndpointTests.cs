using System.Text.Json;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

public sealed class EndpointTests
{
    [Fact]
    public async Task Endpoint_CachedFunction_ServesItsStoredValueToLaterRequests()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        // Every run of the function returns a new number. Within one request a second call may be the per-request dedupe;
        // across requests there is none, so only the cache can give the later request the same number.
        using var first = JsonDocument.Parse(await browser.Get("/api/cached"));
        using var later = JsonDocument.Parse(await browser.Get("/api/cached"));

        var value = first.RootElement.GetProperty("first").GetInt32();
        Assert.Equal(value, first.RootElement.GetProperty("second").GetInt32());
        Assert.Equal(value, later.RootElement.GetProperty("first").GetInt32());
        Assert.Equal(value, later.RootElement.GetProperty("second").GetInt32());
    }

    [Fact]
    public async Task Endpoint_CachedValue_StaysUntilItsTagIsRevalidated()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        var first = await Value(browser);
        var again = await Value(browser);

        await browser.Post("/api/revalidate-tag/api-value");
        var after = await Value(browser);

        Assert.Equal(first, again);
        Assert.NotEqual(first, after);
    }

    [Fact]
    public async Task Endpoint_PrivateCache_IsRefused_AsInRouteHandlers()
    {
        using var app = new TestAppFactory();
        using var response = await app.Browser().Client.GetAsync("/api/private");

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("Route /api/private used [UseCache(\"private\")] in an endpoint. Private caches are not available in Route Handlers",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_ThatRevalidated_NamesTheTagsInXStrataRevalidated()
    {
        using var app = new TestAppFactory();
        using var response = await app.Browser().Client.PostAsync("/api/revalidate-tag/api-value", null);
        using var plain = await app.Browser().Client.GetAsync("/api/tagged");

        Assert.Equal("api-value", Assert.Single(response.Headers.GetValues("x-strata-revalidated")));
        Assert.False(plain.Headers.Contains("x-strata-revalidated"));
    }

    [Fact]
    public async Task Prefetch_OfAnEndpoint_IsAnswered204_WithoutRunningIt()
    {
        using var app = new TestAppFactory();
        var client = app.Browser().Client;
        // An endpoint behind a link may act on GET (set a cookie, sign out): a prefetch must never run it.
        using var prefetch = new HttpRequestMessage(HttpMethod.Get, "/api/tagged") { Headers = { { "x-strata-prefetch", "1" } } };

        using var response = await client.SendAsync(prefetch);

        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    private static async Task<int> Value(Browser browser)
    {
        using var json = JsonDocument.Parse(await browser.Get("/api/tagged"));
        return json.RootElement.GetProperty("value").GetInt32();
    }
}
