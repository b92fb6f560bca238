using System.Text.Json;
using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>
/// The client router cache (strata-router.js on Blazor enhanced navigation) in Chromium, counting the requests the
/// Storefront receives (<c>/api/requests</c>). Time in the browser is Playwright's clock: nothing sleeps to wait for expiry.
/// The product page's shortest stale time is 60 s (the private recommendations: <c>CacheLife(stale: 60)</c>).
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class RouterCacheTests(StorefrontServer server) : IAsyncLifetime
{
    private const string ProductA = "/product/1";
    private readonly List<IBrowserContext> _contexts = [];
    private readonly Dictionary<IPage, string> _visitors = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync(); // no page of this test keeps prefetching while the next one counts
        }
    }

    [Fact]
    public async Task BackToAPage_WithinItsStaleTime_SendsNoRequest_AndAfterItOne()
    {
        var page = await NewPage();
        await OpenProductA(page);
        var generated = await page.Locator("#recommendations-generated").InnerTextAsync();
        var before = await Requests(page, ProductA);

        await GoToCategoryAndBack(page);

        Assert.Equal(before, await Requests(page, ProductA)); // the second A came from memory
        Assert.Equal(generated, await page.Locator("#recommendations-generated").InnerTextAsync());

        await page.Clock.FastForwardAsync("01:01"); // past max(stale, 30) = 60 s
        await GoToCategoryAndBack(page);

        Assert.Equal(before + 1, await Requests(page, ProductA));
        Assert.NotEqual(generated, await page.Locator("#recommendations-generated").InnerTextAsync());
    }

    [Fact]
    public async Task BackButton_WithinTheStaleTime_IsServedFromMemory()
    {
        var page = await NewPage();
        await OpenProductA(page);
        var before = await Requests(page, ProductA);

        await page.Locator(".product-details .category a").ClickAsync();
        await page.Locator("#product-grid").WaitForAsync();
        await page.GoBackAsync();
        await Assertions.Expect(page).ToHaveURLAsync(server.BaseUrl + ProductA);
        await WaitForProduct(page);
        await page.GoForwardAsync();
        await page.Locator("#product-grid").WaitForAsync();
        await page.GoBackAsync();
        await WaitForProduct(page);

        Assert.Equal(before, await Requests(page, ProductA));
    }

    [Fact]
    public async Task Reload_AlwaysSendsARequest()
    {
        var page = await NewPage();
        await OpenProductA(page);
        var before = await Requests(page, ProductA);
        Assert.True(await IsKept(page, ProductA));

        await page.ReloadAsync();
        await WaitForProduct(page);

        Assert.Equal(before + 1, await Requests(page, ProductA));
        Assert.False(await IsKept(page, ProductA)); // memory only: nothing survives a reload
    }

    [Fact]
    public async Task HoverPrefetch_FillsTheCache_SoTheClickSendsNoRequest()
    {
        var page = await NewPage(height: 300); // the product links are below the fold: only the hover brings them in
        await page.GotoAsync("/products/bags");
        await page.Locator("#product-grid").WaitForAsync();
        var link = page.Locator("#product-grid a").Last;
        var href = await link.GetAttributeAsync("href");
        Assert.Equal(0, await Requests(page, href!));

        await link.HoverAsync();
        await WaitUntilKept(page, href!);
        Assert.Equal(1, await Requests(page, href!, "prefetch"));

        await link.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(server.BaseUrl + href);
        await WaitForProduct(page);

        Assert.Equal(1, await Requests(page, href!)); // the prefetch, and nothing else
    }

    [Fact]
    public async Task PrefetchFromCode_FillsTheCache()
    {
        var page = await NewPage();
        await page.GotoAsync("/dashboard");
        await page.EvaluateAsync("url => Strata.router.prefetch(url)", "/product/6");
        await WaitUntilKept(page, "/product/6");

        await page.EvaluateAsync("url => Blazor.navigateTo(url)", "/product/6");
        await WaitForProduct(page);

        Assert.Equal(1, await Requests(page, "/product/6", "prefetch"));
        Assert.Equal(0, await Requests(page, "/product/6", "enhanced"));
    }

    [Fact]
    public async Task RequestingThePageShownAgain_ActsAsARefresh_AndDropsTheCachedPages()
    {
        var page = await NewPage();
        await OpenProductA(page);
        await GoToCategoryAndBack(page);
        Assert.True(await IsKept(page, ProductA));
        var before = await Requests(page, ProductA, "enhanced");

        await page.EvaluateAsync("() => Blazor.navigateTo(location.href, { replaceHistoryEntry: true })"); // what NavigationManager.Refresh() does
        await page.WaitForFunctionAsync("url => Strata.router.has(url)", ProductA);

        Assert.Equal(before + 1, await Requests(page, ProductA, "enhanced"));
    }

    [Fact]
    public async Task AdminSave_DropsTheCachedPages()
    {
        var page = await NewPage();
        var name = "Router Boot " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync("/products/shoes");
        await page.Locator("#product-grid a[href='/product/5']").ClickAsync();
        await WaitForProduct(page);
        await page.Locator(".admin-link a").ClickAsync();
        await page.Locator("#admin-name").WaitForAsync();
        Assert.True(await IsKept(page, "/product/5"));
        var before = await Requests(page, "/product/5");

        await page.Locator("#admin-name").FillAsync(name);
        await page.Locator("#admin-save").ClickAsync(); // an enhanced form post
        await page.Locator("#admin-saved").WaitForAsync();

        await page.Locator(".admin-form a").ClickAsync(); // kept before the save: without the drop, the old name
        await Assertions.Expect(page.Locator(".product-page #product-name")).ToHaveTextAsync(name);
        Assert.True(await Requests(page, "/product/5") > before); // asked again (by a prefetch of the link after the save, or the click)
    }

    [Fact]
    public async Task RevalidatedHeader_FromAFetch_DropsTheCachedPages()
    {
        var page = await NewPage();
        await OpenProductA(page);
        await GoToCategoryAndBack(page);
        Assert.True(await IsKept(page, ProductA));

        var header = await page.EvaluateAsync<string>("async () => (await fetch('/api/revalidate?tag=feed-items', { method: 'POST' })).headers.get('x-strata-revalidated')");

        Assert.Equal("feed-items", header);
        Assert.False(await IsKept(page, ProductA));
    }

    [Fact]
    public async Task TwoVisitors_NeverSeeEachOthersPrivateData()
    {
        var first = await NewPage();
        var second = await NewPage();
        foreach (var page in new[] { first, second })
        {
            await OpenProductA(page);
            await GoToCategoryAndBack(page); // the second visit of the page comes from each browser's memory
            Assert.True(await IsKept(page, ProductA));
        }

        var firstSession = await Session(first);
        var secondSession = await Session(second);
        Assert.NotEqual(firstSession, secondSession);
        Assert.Equal(firstSession, await first.Locator("#recommendations-for").InnerTextAsync());
        Assert.Equal(secondSession, await second.Locator("#recommendations-for").InnerTextAsync());
    }

    [Fact]
    public async Task PrivateResults_AreNeverStoredOnTheServer()
    {
        var page = await NewPage();
        await page.GotoAsync(ProductA);
        await WaitForProduct(page);
        var generated = await page.Locator("#recommendations-generated").InnerTextAsync();

        await page.ReloadAsync(); // the same visitor and product: a cache on the server would hit here
        await WaitForProduct(page);

        Assert.NotEqual(generated, await page.Locator("#recommendations-generated").InnerTextAsync());
    }

    [Fact]
    public async Task StreamedProductPage_EndsWithItsFinalStaleTime()
    {
        var page = await NewPage();
        var response = await page.APIRequest.GetAsync(ProductA, new() { Headers = new Dictionary<string, string> { ["accept"] = "text/html; blazor-enhanced-nav=on" } });
        var body = await response.TextAsync();

        Assert.EndsWith("<!--strata-stale-time:60-->", body, StringComparison.Ordinal);
        Assert.Contains("no-store", response.Headers["cache-control"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prefetch_OfAnEndpoint_NeverRunsIt()
    {
        var page = await NewPage();
        var response = await page.APIRequest.GetAsync("/preferences?language=de&returnUrl=/", new() { Headers = new Dictionary<string, string> { ["x-strata-prefetch"] = "1" }, MaxRedirects = 0 });

        Assert.Equal(204, response.Status);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "language");
    }

    /// <summary>A page in a fresh browser context whose requests carry its own visitor name (see <see cref="Requests"/>).</summary>
    private async Task<IPage> NewPage(int height = 900)
    {
        var visitor = Guid.NewGuid().ToString("N");
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1200, Height = height },
            ExtraHTTPHeaders = new Dictionary<string, string> { ["x-visitor"] = visitor },
        });
        _contexts.Add(context);
        context.SetDefaultTimeout(15000);
        var page = await context.NewPageAsync();
        _visitors[page] = visitor;
        await page.Clock.InstallAsync();
        return page;
    }

    private static async Task WaitForProduct(IPage page)
    {
        await page.Locator(".product-page #product-name").WaitForAsync();
        await page.Locator("#recommendations").WaitForAsync();
    }

    /// <summary>The category page as a document, then product A by an enhanced navigation (the router cache keeps what it fetched).</summary>
    private static async Task OpenProductA(IPage page)
    {
        await page.GotoAsync("/products/shoes");
        await page.Locator($"#product-grid a[href='{ProductA}']").ClickAsync();
        await WaitForProduct(page);
    }

    private static async Task GoToCategoryAndBack(IPage page)
    {
        await page.Locator(".product-details .category a").ClickAsync();
        await page.Locator($"#product-grid a[href='{ProductA}']").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(ProductA + "$"));
        await WaitForProduct(page);
    }

    private static Task<bool> IsKept(IPage page, string url) => page.EvaluateAsync<bool>("url => Strata.router.has(url)", url);

    private static Task WaitUntilKept(IPage page, string url) => page.WaitForFunctionAsync("url => Strata.router.has(url)", url);

    private static async Task<string> Session(IPage page) =>
        (await page.Context.CookiesAsync()).Single(c => c.Name == "session-id").Value;

    /// <summary>The GET requests the server received from this page's browser for <paramref name="path"/>, of one kind (document, enhanced, prefetch) or all.</summary>
    private async Task<int> Requests(IPage page, string path, string? kind = null)
    {
        var response = await page.APIRequest.GetAsync("/api/requests");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.EnumerateObject()
            .Where(p => p.Name.Split(' ') is [var v, "GET", var requested, var k] && v == _visitors[page] && requested == path && (kind is null || k == kind))
            .Sum(p => p.Value.GetInt32());
    }
}
