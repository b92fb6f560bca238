using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>A [UseCache] component on an <c>@rendermode InteractiveServer</c> page, in Chromium.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class InteractiveTests(StorefrontServer server)
{
    [Fact]
    public async Task CachedComponentOnAnInteractiveServerPage_RendersLiveInTheCircuit_AndThePageStaysInteractive()
    {
        var page = await server.NewPage();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) // the sample has no favicon
            {
                errors.Add(message.Text);
            }
        };

        await using var prerendered = await page.APIRequest.GetAsync(server.BaseUrl + "/interactive");
        Assert.Contains("id=\"product-name\"", await prerendered.TextAsync(), StringComparison.Ordinal); // the cached prerender

        await page.GotoAsync("/interactive");
        await Assertions.Expect(page.Locator("#render-mode")).ToHaveTextAsync("interactive"); // the circuit rendered the page
        await page.Locator("#add-to-basket").ClickAsync();
        await page.Locator("#add-to-basket").ClickAsync();

        await Assertions.Expect(page.Locator("#basket-count")).ToHaveTextAsync("2");         // the circuit is alive
        await Assertions.Expect(page.Locator("#product-name")).Not.ToBeEmptyAsync();          // the cached component, rendered live
        Assert.True(errors.Count == 0, "browser console errors:\n" + string.Join("\n", errors) + "\nserver log:\n" + server.Log);
        await StorefrontServer.Screenshot(page, "interactive-page");
    }
}
