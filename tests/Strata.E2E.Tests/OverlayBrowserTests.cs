using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>The development overlay in Chromium: the Storefront runs in Development, so its cached parts carry badges.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class OverlayBrowserTests(StorefrontServer server)
{
    private const string Badges = """
        () => [...(document.querySelector('strata-overlay')?.shadowRoot?.querySelectorAll('.badge') ?? [])]
          .map(b => ({ name: b.dataset.name ?? '', cache: b.dataset.cache, page: b.classList.contains('page'), label: b.dataset.label, width: b.getBoundingClientRect().width }))
        """;

    private sealed class Badge
    {
        public string Name { get; set; } = "";

        public string Cache { get; set; } = "";

        public bool Page { get; set; }

        public string Label { get; set; } = "";

        public double Width { get; set; }
    }

    [Fact]
    public async Task Badges_AppearOnEachCachedPart_AndOnThePage_AndFollowEnhancedNavigation()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/product/1");
        await page.Locator(".product-page #product-name").WaitForAsync();
        await page.WaitForFunctionAsync("() => [...(document.querySelector('strata-overlay')?.shadowRoot?.querySelectorAll('.badge') ?? [])].some(b => b.dataset.name === 'ProductDetails')");

        var onProduct = await page.EvaluateAsync<Badge[]>(Badges);
        await StorefrontServer.Screenshot(page, "overlay-product");

        var details = Assert.Single(onProduct, b => b.Name == "ProductDetails");
        Assert.Matches("^(HIT|MISS|STALE)$", details.Cache);
        Assert.Contains("ProductDetails · default · ", details.Label, StringComparison.Ordinal);
        Assert.Contains("revalidate", details.Label, StringComparison.Ordinal);
        Assert.True(details.Width > 0, "the badge is drawn");
        var pageBadge = Assert.Single(onProduct, b => b.Page);
        Assert.Contains("router cache", pageBadge.Label, StringComparison.Ordinal);
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.innerText.includes(' · default · ')")); // badge text is drawn by CSS: no page text search finds it

        await page.Locator(".product-details .category a").ClickAsync(); // an enhanced navigation to a page without cached components
        await page.Locator("#product-grid").WaitForAsync();
        await page.WaitForFunctionAsync("() => ![...document.querySelector('strata-overlay').shadowRoot.querySelectorAll('.badge')].some(b => b.dataset.name === 'ProductDetails')");
        var onList = await page.EvaluateAsync<Badge[]>(Badges);

        Assert.Single(onList, b => b.Page);
        Assert.DoesNotContain(onList, b => b.Name == "ProductDetails");
    }
}
