using System.Text.Json;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

public sealed class EndpointTests
{
    [Fact]
    public async Task Endpoint_CallingACachedFunctionTwice_GetsTheSameValue()
    {
        using var app = new TestAppFactory();

        using var json = JsonDocument.Parse(await app.Browser().Get("/api/cached"));

        Assert.Equal(json.RootElement.GetProperty("first").GetInt32(), json.RootElement.GetProperty("second").GetInt32());
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
