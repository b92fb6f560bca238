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

    private static async Task<int> Value(Browser browser)
    {
        using var json = JsonDocument.Parse(await browser.Get("/api/tagged"));
        return json.RootElement.GetProperty("value").GetInt32();
    }
}
