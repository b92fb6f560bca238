using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

/// <summary>The development overlay's data: comments around the cached parts a request read, and one for the page.</summary>
public sealed partial class OverlayTests
{
    private static List<JsonElement> Parts(string html) =>
        PartPattern().Matches(html).Select(m => JsonDocument.Parse(m.Groups[1].Value).RootElement).ToList();

    private static JsonElement? Page(string html) =>
        PagePattern().Match(html) is { Success: true } m ? JsonDocument.Parse(m.Groups[1].Value).RootElement : null;

    [Theory]
    [InlineData("/life/frequent")]
    [InlineData("/nested/news")]
    [InlineData("/cached-page/1")]
    [InlineData("/private-query")]
    public async Task ProductionMarkup_HasNoOverlayData(string url)
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var first = await browser.Get(url);
        var second = await browser.Get(url);

        Assert.All(new[] { first, second }, html => Assert.DoesNotContain("strata-part", html, StringComparison.Ordinal));
        Assert.All(new[] { first, second }, html => Assert.DoesNotContain("strata-page", html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DevelopmentMarkup_WrapsEachCachedPart_WithItsKindVerdictAgeLifetimesAndTags()
    {
        using var app = new TestAppFactory("Development");
        var browser = app.Browser();
        var miss = await browser.Get("/life/frequent");
        app.Advance(12);

        var hit = await browser.Get("/life/frequent");

        var part = Assert.Single(Parts(hit));
        Assert.Equal("WithLife", part.GetProperty("name").GetString());
        Assert.Equal("default", part.GetProperty("kind").GetString());
        Assert.False(part.GetProperty("private").GetBoolean());
        Assert.Equal("HIT", part.GetProperty("cache").GetString());
        Assert.Equal(12, part.GetProperty("age").GetDouble());
        Assert.Equal(19, part.GetProperty("stale").GetDouble());
        Assert.Equal(100, part.GetProperty("revalidate").GetDouble());
        Assert.Equal(300, part.GetProperty("expire").GetDouble());
        Assert.Equal("MISS", Assert.Single(Parts(miss)).GetProperty("cache").GetString());
        Assert.Matches("<!--strata-part:[^>]*-->\\s*<p id=\"life\">frequent</p>\\s*<!--/strata-part-->", hit);
        Assert.Equal("HIT", Page(hit)?.GetProperty("cache").GetString());
        Assert.Equal(19, Page(hit)?.GetProperty("stale").GetDouble());
    }

    [Fact]
    public async Task DevelopmentMarkup_OfAStalePart_SaysStale()
    {
        using var app = new TestAppFactory("Development");
        var browser = app.Browser();
        await browser.Get("/life/frequent");
        app.Advance(101);

        var stale = await browser.Get("/life/frequent");
        await app.Runtime.FlushAsync();

        Assert.Equal("STALE", Assert.Single(Parts(stale)).GetProperty("cache").GetString());
        Assert.Equal("STALE", Page(stale)?.GetProperty("cache").GetString());
    }

    [Fact]
    public async Task DevelopmentMarkup_OfANestedCache_IsOnlyTheOuterPart_AndIsNotStoredInItsHtml()
    {
        using var app = new TestAppFactory("Development");
        var browser = app.Browser();

        var miss = await browser.Get("/nested/news");
        var hit = await browser.Get("/nested/news");

        Assert.Equal(["Outer"], Parts(miss).Select(p => p.GetProperty("name").GetString()));
        var part = Assert.Single(Parts(hit));
        Assert.Equal("HIT", part.GetProperty("cache").GetString());
        Assert.Contains("outer", part.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task DevelopmentMarkup_MarksPrivateParts_AndTheDynamicPage()
    {
        using var app = new TestAppFactory("Development");

        var html = await app.Browser().Get("/private-query?q=1");

        var part = Assert.Single(Parts(html));
        Assert.True(part.GetProperty("private").GetBoolean());
        Assert.Equal("DYNAMIC", Page(html)?.GetProperty("cache").GetString());
        Assert.Contains("PrivateQuery", Page(html)?.GetProperty("dynamic").GetString(), StringComparison.Ordinal); // why: it reads the query
    }

    [Fact]
    public async Task DevelopmentMarkup_HasNoOverlayData_WhenTheOverlayIsTurnedOff()
    {
        using var app = new TestAppFactory("Development");
        var off = app.WithWebHostBuilder(b => b.UseSetting("Strata:Overlay:Enabled", "false"));

        using var response = await off.CreateClient().GetAsync("/life/frequent");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("<p id=\"life\">frequent</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("strata-part", html, StringComparison.Ordinal);
        Assert.DoesNotContain("strata-page", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<!--strata-part:(.*?)-->")]
    private static partial Regex PartPattern();

    [GeneratedRegex("<!--strata-page:(.*?)-->")]
    private static partial Regex PagePattern();
}
