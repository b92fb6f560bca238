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
    public async Task HomePage_LanguageCookie_SelectsTheCachedWelcome_SharedByEveryVisitorWithThatLanguage()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("#welcome")).ToHaveTextAsync("Welcome to Strata Supply Co.");

        await page.Locator(".languages a", new() { HasText = "fr" }).ClickAsync();
        await Assertions.Expect(page.Locator("#welcome")).ToHaveTextAsync("Bienvenue chez Strata Supply Co.");
        var generated = await page.Locator("#welcome-generated").InnerTextAsync();
        var calls = await UpstreamCalls(page, "cms");
        await StorefrontServer.Screenshot(page, "home-fr");

        var other = await server.NewPage(); // another visitor, with the same language
        await other.GotoAsync("/preferences?language=fr&returnUrl=/");
        await Assertions.Expect(other.Locator("#welcome")).ToHaveTextAsync("Bienvenue chez Strata Supply Co.");
        Assert.Equal(generated, await other.Locator("#welcome-generated").InnerTextAsync());
        Assert.Equal(calls, await UpstreamCalls(other, "cms"));
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
    public async Task Dashboard_FeedReportsAndBookings_ServeTheirCachedData_ToTheNextVisitorWithoutAnUpstreamCall()
    {
        (string Path, string Stamp, string Source)[] pages =
        [
            ("/dashboard", "#stats-generated", "analytics"),
            ("/feed", "#feed-generated", "feed"),
            ("/reports", "#report-generated", "transactions"),
            ("/bookings?type=beard", "#bookings-generated", "bookings"),
        ];
        var first = await server.NewPage();
        foreach (var (path, stamp, _) in pages)
        {
            await first.GotoAsync(path);
            await first.Locator(stamp).WaitForAsync();
        }

        Assert.Equal("1200", await (await Visit(first, "/dashboard", "#stat-users")).InnerTextAsync());
        await StorefrontServer.Screenshot(first, "dashboard");

        var second = await server.NewPage(); // another visitor
        foreach (var (path, stamp, source) in pages)
        {
            var before = await UpstreamCalls(second, source);
            var shownFirst = await (await Visit(first, path, stamp)).InnerTextAsync();
            var shownSecond = await (await Visit(second, path, stamp)).InnerTextAsync();

            Assert.Equal(shownFirst, shownSecond);
            Assert.Equal(before, await UpstreamCalls(second, source));
        }

        await Assertions.Expect(second.Locator(".bookings h2")).ToHaveTextAsync("Open slots: beard");
        await StorefrontServer.Screenshot(second, "bookings");
    }

    [Fact]
    public async Task AdminForm_SavingANewPrice_ShowsItInThatSameResponse_InTheCachedDetailsAndInTheUncachedPrice()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/admin/products/6");
        await page.Locator("#product-price").WaitForAsync();
        var before = await page.Locator("#product-price").InnerTextAsync();
        var price = (Random.Shared.Next(200, 999) + 0.25m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

        await page.Locator("#admin-price").FillAsync(price);
        await page.Locator("#admin-save").ClickAsync();
        await page.Locator("#admin-saved").WaitForAsync();

        Assert.NotEqual("$" + price, before);
        Assert.Equal("$" + price, await page.Locator("#product-list-price").InnerTextAsync()); // ProductDetails, a cached component
        Assert.Equal("$" + price, await page.Locator("#product-price").InnerTextAsync());      // ProductPrice: not cached, reads a [UseCache] method
        await StorefrontServer.Screenshot(page, "admin-price-saved");
    }

    private static async Task<ILocator> Visit(IPage page, string path, string selector)
    {
        await page.GotoAsync(path);
        var locator = page.Locator(selector);
        await locator.WaitForAsync();
        return locator;
    }

    private static async Task<int> UpstreamCalls(IPage page, string source)
    {
        var response = await page.APIRequest.GetAsync("/api/upstream-calls");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("calls").TryGetProperty(source, out var n) ? n.GetInt32() : 0;
    }
}
