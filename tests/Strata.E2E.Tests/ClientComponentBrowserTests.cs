using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>
/// [UseClient] components in a real Chromium: rendered on the server, then interactive on WebAssembly, calling server
/// functions they received as parameters (docs/use-client.md). Buttons are disabled until the component is interactive,
/// so a click waits for WebAssembly.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class ClientComponentBrowserTests(StorefrontServer server)
{
    [Fact]
    public async Task Counter_IsServerRenderedThenIncrementsOnceWebAssemblyHasLoaded()
    {
        var page = await server.NewPage();
        var response = await page.GotoAsync("/counter");
        Assert.Contains("Count: 0", await response!.TextAsync(), StringComparison.Ordinal); // in the server's HTML
        await Interactive(page, "#increment");

        await page.Locator("#increment").ClickAsync();
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("Count: 1");
        await page.Locator("#increment").ClickAsync();
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("Count: 2");
        await StorefrontServer.Screenshot(page, "client-counter");
    }

    [Fact]
    public async Task MyButton_CallsTheImportedFetchUsersServerFunction_ThroughTheGeneratedProxy_AndRendersItsResult()
    {
        var page = await server.NewPage();
        var name = "Hedy " + Guid.NewGuid().ToString("N")[..6];
        var response = await page.GotoAsync("/members");
        Assert.Contains("id=\"my-button\"", await response!.TextAsync(), StringComparison.Ordinal); // prerendered: IMemberActions resolved to the server's class
        await page.Locator("#member-name").FillAsync(name);
        await page.Locator("#member-email").FillAsync("hedy@example.com");
        await page.Locator("#member-create").ClickAsync();
        await Assertions.Expect(page.Locator("#member-list")).ToContainTextAsync(name);

        await Interactive(page, "#my-button");
        var call = await page.RunAndWaitForRequestAsync(
            () => page.Locator("#my-button").ClickAsync(),
            r => r.Method == "POST" && r.Headers.ContainsKey("strata-action"));

        await Assertions.Expect(page.Locator("#my-button-users")).ToContainTextAsync($"{name} (hedy@example.com)");
        // The injected IMemberActions is the generated proxy: it POSTs to the id derived from the interface and the method.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(
            "Strata.UseServer.Interface\0Storefront.Client\0Storefront.Data.IMemberActions.FetchUsers()")).AsSpan(0, 20));
        Assert.Equal(expected, call.Headers["strata-action"]);
        Assert.Equal("[]", call.PostData);
    }

    [Fact]
    public async Task EditPost_SavesThroughTheCapturedServerFunction_AndThePageShowsTheRevalidatedPost()
    {
        var page = await server.NewPage();
        var response = await page.GotoAsync("/posts/2");
        var parameters = EditPostParameters(await response!.TextAsync());
        Assert.Equal(["id", "captured"], parameters[1].EnumerateObject().Select(p => p.Name)); // an id and sealed values, never the function
        Assert.Matches("^[0-9a-f]{40}$", parameters[1].GetProperty("id").GetString());
        Assert.StartsWith("CfDJ8", parameters[1].GetProperty("captured").GetString(), StringComparison.Ordinal); // Data Protection's sealed payload, not "[2]"
        await Assertions.Expect(page.Locator("#post-revision")).ToHaveTextAsync("1");
        var title = "Spring sale " + Guid.NewGuid().ToString("N")[..6];

        await Interactive(page, "#edit-post-title");
        await page.Locator("#edit-post-title").FillAsync(title);
        await page.Locator("#edit-post-save").ClickAsync();

        await Assertions.Expect(page.Locator("#post-title")).ToHaveTextAsync(title); // the server part, rendered again
        await Assertions.Expect(page.Locator("#post-revision")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#edit-post-title")).ToHaveValueAsync(title);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#post-title")).ToHaveTextAsync(title);
        await StorefrontServer.Screenshot(page, "client-edit-post");
    }

    [Fact]
    public async Task EditPost_ServerFunctionThrows_TheComponentReceivesTheServerError()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/posts/3");
        await Interactive(page, "#edit-post-title");
        await page.Locator("#edit-post-title").FillAsync("   ");
        await page.Locator("#edit-post-save").ClickAsync();

        await Assertions.Expect(page.Locator("#edit-post-error")).ToContainTextAsync("A title is required"); // Development shows the message
        await Assertions.Expect(page.Locator("#post-revision")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task CartBadge_UpdatesAfterAddToCartFromAClientComponent()
    {
        var page = await server.NewPage();
        await page.GotoAsync("/client-cart");
        await Assertions.Expect(page.Locator("#cart-badge")).ToHaveTextAsync("0");
        await Interactive(page, "#client-add-1");

        await page.Locator("#client-add-1").ClickAsync();
        await Assertions.Expect(page.Locator("#cart-badge")).ToHaveTextAsync("1");
        await page.Locator("#client-add-2").ClickAsync();
        await Assertions.Expect(page.Locator("#cart-badge")).ToHaveTextAsync("2");

        await page.GotoAsync("/cart");
        await Assertions.Expect(page.Locator("#cart-items")).ToContainTextAsync(new Regex("1 ×"));
    }

    [Fact]
    public async Task ClientComponentInsideACachedComponent_IsInteractiveOnACacheHit()
    {
        var page = await server.NewPage();
        var start = Random.Shared.Next(1000, 1_000_000); // the panel's key: a new entry, whatever the other tests revalidated
        var first = await page.GotoAsync($"/client-in-cache/{start}"); // a miss fills the entry
        var generated = Generated(await first!.TextAsync());

        var second = await page.ReloadAsync();
        var html = await second!.TextAsync();
        Assert.Equal(generated, Generated(html)); // the server's HTML came from the cached entry: a hit
        Assert.Contains("\"typeName\":\"Storefront.Client.Components.ClickCounter\"", html, StringComparison.Ordinal); // with a WebAssembly marker for the counter
        await Assertions.Expect(page.Locator("#watch-counter-count")).ToHaveTextAsync(start.ToString(CultureInfo.InvariantCulture)); // the parameter the entry kept
        await Interactive(page, "#watch-counter-increment");

        await page.Locator("#watch-counter-increment").ClickAsync();
        await Assertions.Expect(page.Locator("#watch-counter-count")).ToHaveTextAsync((start + 1).ToString(CultureInfo.InvariantCulture));
        await page.Locator("#watch-counter-increment").ClickAsync();
        await Assertions.Expect(page.Locator("#watch-counter-count")).ToHaveTextAsync((start + 2).ToString(CultureInfo.InvariantCulture));
        await StorefrontServer.Screenshot(page, "client-in-cache-hit");
    }

    /// <summary>Waits until WebAssembly has started the component: its controls are disabled until then (a cold start on a busy machine takes seconds).</summary>
    private static Task Interactive(IPage page, string selector) =>
        Assertions.Expect(page.Locator(selector)).ToBeEnabledAsync(new() { Timeout = 60_000 });

    /// <summary>The "generated at" stamp of the cached panel in the server's HTML.</summary>
    private static string Generated(string html)
    {
        var stamp = Regex.Match(html, "id=\"client-panel-generated\" datetime=\"([^\"]+)\"");
        Assert.True(stamp.Success, "No generated-at stamp of the cached panel in the page.");
        return stamp.Groups[1].Value;
    }

    /// <summary>The parameter values of the EditPost WebAssembly marker in the page, as Blazor serialized them.</summary>
    private static JsonElement[] EditPostParameters(string html)
    {
        var marker = Regex.Match(html, "\"typeName\":\"Storefront\\.Client\\.Components\\.EditPost\".*?\"parameterValues\":\"([^\"]+)\"");
        Assert.True(marker.Success, "No WebAssembly marker for EditPost in the page.");
        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(marker.Groups[1].Value)));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
