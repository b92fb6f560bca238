using System.Text.Json;
using Microsoft.Playwright;

namespace Strata.E2E.Tests;

[Collection(StorefrontCollection.Name)]
public sealed class StorefrontTests(StorefrontServer server)
{
    [Fact]
    public async Task ProductPage_StreamsThePrice_AndKeepsItsStampsOnReload()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/product/2");
        await page.Locator("#product-price").WaitForAsync(); // streamed in after the shell
        var details = await page.Locator("#product-details-generated").InnerTextAsync();
        var price = await page.Locator("#price-generated").InnerTextAsync();

        await page.ReloadAsync();
        await page.Locator("#product-price").WaitForAsync();

        Assert.Equal(details, await page.Locator("#product-details-generated").InnerTextAsync());
        Assert.Equal(price, await page.Locator("#price-generated").InnerTextAsync());
        await StorefrontServer.Screenshot(page, "product-page");
    }

    [Fact]
    public async Task AdminForm_SavesTheProduct_AndBothPagesShowTheNewName()
    {
        var page = await server.NewPage();
        var name = "Harbor Loafer " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync("/product/4");
        await page.Locator("#product-name").WaitForAsync();
        var before = await page.Locator("#product-details-generated").InnerTextAsync();

        await page.GotoAsync("/admin/products/4");
        await page.Locator("#admin-name").FillAsync(name);
        await page.Locator("#admin-save").ClickAsync();
        await page.Locator("#admin-saved").WaitForAsync();

        Assert.Equal(name, await page.Locator("#product-name").InnerTextAsync()); // the same response shows it
        await StorefrontServer.Screenshot(page, "admin-saved");

        await page.GotoAsync("/product/4");
        await Assertions.Expect(page.Locator("#product-name")).ToHaveTextAsync(name);
        Assert.NotEqual(before, await page.Locator("#product-details-generated").InnerTextAsync());
        await StorefrontServer.Screenshot(page, "product-after-admin");
    }

    [Fact]
    public async Task CategoryPage_FiltersByPriceInMemory_WithoutAnotherUpstreamCall()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/products/bags");
        await page.Locator("#product-grid").WaitForAsync();
        var all = await page.Locator("#product-grid li").CountAsync();
        var calls = await UpstreamCalls(page, "categories");

        await page.GotoAsync("/products/bags?minPrice=100");
        await page.Locator("#product-grid").WaitForAsync();

        Assert.True(await page.Locator("#product-grid li").CountAsync() < all);
        Assert.Equal(calls, await UpstreamCalls(page, "categories"));
        await StorefrontServer.Screenshot(page, "category-filtered");
    }

    [Fact]
    public async Task HomePage_LanguageCookie_SelectsTheCachedWelcome()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("#welcome")).ToHaveTextAsync("Welcome to Strata Supply Co.");

        await page.Locator(".languages a", new() { HasText = "fr" }).ClickAsync();

        await Assertions.Expect(page.Locator("#welcome")).ToHaveTextAsync("Bienvenue chez Strata Supply Co.");
        await StorefrontServer.Screenshot(page, "home-fr");
    }

    [Fact]
    public async Task ProductPage_CurrencyCookie_ShowsThePriceInThatCurrency()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/product/5");
        await page.Locator("#product-price").WaitForAsync();

        await page.Locator(".currencies a", new() { HasText = "EUR" }).ClickAsync();

        await Assertions.Expect(page.Locator("#product-price")).ToContainTextAsync("€");
        await StorefrontServer.Screenshot(page, "product-eur");
    }

    [Fact]
    public async Task Interleaving_LivePartChanges_CachedPartStays()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/interleaving");
        var cached = await page.Locator("#cached-part-generated").InnerTextAsync();
        var live = await page.Locator("#live-part-rendered").InnerTextAsync();

        await page.ReloadAsync();

        Assert.Equal(cached, await page.Locator("#cached-part-generated").InnerTextAsync());
        Assert.NotEqual(live, await page.Locator("#live-part-rendered").InnerTextAsync());
        await StorefrontServer.Screenshot(page, "interleaving");
    }

    [Fact]
    public async Task Dashboard_FeedAndReports_ShowTheirSharedCachedData()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/dashboard");
        await page.Locator("#stat-users").WaitForAsync();
        Assert.Equal("1200", await page.Locator("#stat-users").InnerTextAsync());
        await StorefrontServer.Screenshot(page, "dashboard");

        await page.GotoAsync("/feed");
        await page.Locator("#feed-generated").WaitForAsync();
        await page.GotoAsync("/reports");
        await Assertions.Expect(page.Locator("#report-revenue")).ToContainTextAsync("$");

        await page.GotoAsync("/bookings?type=beard");
        await Assertions.Expect(page.Locator(".bookings h2")).ToHaveTextAsync("Open slots: beard");
        await StorefrontServer.Screenshot(page, "bookings");
    }

    private static async Task<int> UpstreamCalls(IPage page, string source)
    {
        var response = await page.APIRequest.GetAsync("/api/upstream-calls");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("calls").TryGetProperty(source, out var n) ? n.GetInt32() : 0;
    }
}
