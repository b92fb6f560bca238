using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>
/// A static shell with a streamed hole in Chromium: <c>/dynamic-cached</c> is a [StreamRendering] page whose prices are read at
/// request time (<c>Connection()</c>); its shell (the heading and the fallback) is served from memory and the prices are
/// streamed into the same response with Blazor's <c>&lt;blazor-ssr&gt;</c> frames.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class StaticShellBrowserTests(StorefrontServer server)
{
    private const string HolePage = "/dynamic-cached";

    [Fact]
    public async Task EnhancedNavigation_ToAShellWithAHole_ShowsTheStreamedPart_WithoutReloadingThePage()
    {
        await ShellIsMade();
        var page = await server.NewPage();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        await page.GotoAsync("/static-cached");
        await page.EvaluateAsync("() => { window.__sameDocument = true; document.body.insertAdjacentHTML('beforeend', '<a id=\"to-hole\" href=\"/dynamic-cached\">prices</a>'); }");

        await page.Locator("#to-hole").ClickAsync();
        await Assertions.Expect(page.Locator("ul.prices li")).Not.ToHaveCountAsync(0);

        Assert.Equal(server.BaseUrl + HolePage, page.Url);
        Assert.Equal("Dynamic cached prices", await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true")); // enhanced: the document was kept
        Assert.Equal(0, await page.Locator(".loading").CountAsync()); // the fallback was replaced by the streamed part
        Assert.Empty(errors);
    }

    [Fact]
    public async Task DocumentLoad_OfAShellWithAHole_ShowsTheStreamedPart()
    {
        await ShellIsMade();
        var page = await server.NewPage();

        await page.GotoAsync(HolePage);

        await Assertions.Expect(page.Locator("ul.prices li")).Not.ToHaveCountAsync(0);
        Assert.Equal(0, await page.Locator(".loading").CountAsync());
    }

    /// <summary>The prerender runs in the background after start-up: waits for its log line (it proves the shell is used).</summary>
    private async Task ShellIsMade()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!server.Log.Contains($"Static shell of {HolePage}: ", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "No static shell for " + HolePage + ":\n" + server.Log);
            await Task.Delay(100); // waiting for the background prerender after start-up, not for a cache to expire
        }

        Assert.Contains("streamed part(s) rendered for each request", server.Log[server.Log.IndexOf($"Static shell of {HolePage}: ", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }
}
