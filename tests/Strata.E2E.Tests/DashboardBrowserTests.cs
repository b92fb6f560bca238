using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>The cache dashboard of the Storefront (<c>/_strata</c>, admins only) in Chromium.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class DashboardBrowserTests(StorefrontServer server)
{
    private static readonly System.Text.RegularExpressions.Regex ProductOne = new("product-1(?![0-9])");

    [Fact]
    public async Task Dashboard_AsksForASignIn_ThenRendersItsSections_AndRevalidatesATag()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/product/1"); // something in the cache, tagged product-1
        await page.Locator(".product-page #product-name").WaitForAsync();

        await page.GotoAsync("/_strata");
        await page.WaitForURLAsync("**/login**"); // the policy: an anonymous visitor is sent to sign in
        await page.Locator("#login-name").FillAsync("admin");
        await page.Locator("#login-password").FillAsync("strata");
        await page.Locator("#login-submit").ClickAsync();
        for (var i = 0; i < 100 && !(await page.Context.CookiesAsync()).Any(c => c.Name == ".AspNetCore.Cookies"); i++)
        {
            await page.WaitForTimeoutAsync(100); // polls for the sign-in cookie (the form posts with enhanced navigation)
        }

        await page.GotoAsync("/_strata");
        try
        {
            await page.Locator("#strata-dashboard").WaitForAsync();
        }
        catch (TimeoutException)
        {
            Assert.Fail($"no dashboard after signing in; at {page.Url}:\n{await page.ContentAsync()}");
        }

        await StorefrontServer.Screenshot(page, "dashboard");

        Assert.True(await page.Locator("#memory table tr").CountAsync() >= 2, "a row per memory handler");
        Assert.True(await page.Locator("#entries tr.entry").CountAsync() >= 1, "entries are listed");
        Assert.Equal(1, await page.Locator("#hit-ratio-chart polyline").CountAsync());
        Assert.True(await page.EvaluateAsync<double>("() => document.querySelector('#hit-ratio-chart').getBoundingClientRect().width") > 100);
        Assert.Equal(1, await page.Locator("#invalidations").CountAsync());
        Assert.Equal(1, await page.Locator("form#revalidate-tag input[name=__RequestVerificationToken]").CountAsync());
        Assert.Equal(1, await page.Locator("form#revalidate-path").CountAsync());
        var tagged = page.Locator("#entries tr.entry", new() { HasTextRegex = ProductOne });
        Assert.True(await tagged.CountAsync() >= 1, "the product page's entries carry its tag");

        await page.Locator("#revalidate-tag input[name=tag]").FillAsync("product-1");
        await page.Locator("#revalidate-tag button").ClickAsync();
        await page.Locator("#done").WaitForAsync();

        Assert.Contains("product-1", await page.Locator("#done").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#entries tr.entry", new() { HasTextRegex = ProductOne }).CountAsync());
        Assert.Equal(1, await page.Locator("#invalidations tr.invalidation", new() { HasTextRegex = ProductOne }).CountAsync());
        await StorefrontServer.Screenshot(page, "dashboard-revalidated");
    }
}
