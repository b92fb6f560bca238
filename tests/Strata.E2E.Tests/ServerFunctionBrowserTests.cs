using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>Server functions in a real Chromium, with JavaScript enabled (enhanced forms, fetch) and disabled (plain form posts).</summary>
[Collection(StorefrontCollection.Name)]
public sealed class ServerFunctionBrowserTests(StorefrontServer server)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CreateUser_Form_AddsTheMemberAndTheSameResponseListsIt(bool javaScript)
    {
        var page = await server.NewPage(javaScript);
        var name = "Ada " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync("/members");
        await page.Locator("#member-name").FillAsync(name);
        await page.Locator("#member-email").FillAsync("ada@example.com");
        await page.Locator("#member-create").ClickAsync();

        await Assertions.Expect(page.Locator("#member-list")).ToContainTextAsync(name);
        Assert.EndsWith("/members", page.Url, StringComparison.Ordinal);
        await StorefrontServer.Screenshot(page, javaScript ? "members-created-js" : "members-created-nojs");
    }

    [Fact]
    public async Task FetchUsers_ByFetch_ReturnsTheMembersAsJson()
    {
        var page = await server.NewPage();
        var name = "Grace " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync("/members");
        await page.Locator("#member-name").FillAsync(name);
        await page.Locator("#member-email").FillAsync("grace@example.com");
        await page.Locator("#member-create").ClickAsync();
        await Assertions.Expect(page.Locator("#member-list")).ToContainTextAsync(name);

        await page.Locator("#fetch-members").ClickAsync();

        await Assertions.Expect(page.Locator("#fetched-members")).ToContainTextAsync($"{name} (grace@example.com)");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddToCart_WorksWithAndWithoutJavaScript_AndKeepsTheCartInACookie(bool javaScript)
    {
        var page = await server.NewPage(javaScript);
        await page.GotoAsync("/cart");
        await page.Locator("#add-2 input[name=quantity]").FillAsync("3");
        await page.Locator("#add-2-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#cart-item-2")).ToContainTextAsync("3 ×");

        await page.Locator("#add-2-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#cart-item-2")).ToContainTextAsync("4 ×");

        await page.GotoAsync("/cart");
        await Assertions.Expect(page.Locator("#cart-item-2")).ToContainTextAsync("4 ×");
        await StorefrontServer.Screenshot(page, javaScript ? "cart-js" : "cart-nojs");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AdminOnlyUpdate_SignedOut_SendsToLoginAndChangesNothing_SignedIn_SavesTheCapturedProduct(bool javaScript)
    {
        var page = await server.NewPage(javaScript);
        var product = javaScript ? 5 : 6;
        var name = "Quick " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync($"/admin/quick/{product}");
        var before = await page.Locator("#product-name").InnerTextAsync();

        await page.Locator("#quick-name").FillAsync(name);
        await page.Locator("#quick-price").FillAsync("12.50");
        await page.Locator("#quick-save").ClickAsync();
        await page.WaitForURLAsync("**/login**");

        await page.GotoAsync($"/product/{product}");
        await Assertions.Expect(page.Locator("#product-name")).ToHaveTextAsync(before);

        await page.GotoAsync($"/login?returnUrl=/admin/quick/{product}");
        await page.Locator("#login-name").FillAsync("admin");
        await page.Locator("#login-password").FillAsync("strata");
        await page.Locator("#login-submit").ClickAsync();
        await page.WaitForURLAsync($"**/admin/quick/{product}");

        await page.Locator("#quick-name").FillAsync(name);
        await page.Locator("#quick-price").FillAsync("12.50");
        await page.Locator("#quick-save").ClickAsync();

        await Assertions.Expect(page.Locator("#product-name")).ToHaveTextAsync(name); // the same response: read-your-own-writes
        await page.GotoAsync($"/product/{product}");
        if (javaScript)
        {
            await Assertions.Expect(page.Locator("#product-name")).ToHaveTextAsync(name);
        }
        else
        {
            // The save's own re-render stamped the details in the millisecond of its UpdateTag, which expires them (the
            // safe side of a tie), so this visit may miss and stream them: without JavaScript a streamed part stays in its
            // template. Either way the response carries the saved name, and never the old one.
            var html = await page.ContentAsync();
            Assert.Contains($"<h1 id=\"product-name\">{name}</h1>", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"<h1 id=\"product-name\">{before}</h1>", html, StringComparison.Ordinal);
        }

        await StorefrontServer.Screenshot(page, javaScript ? "quick-edit-js" : "quick-edit-nojs");
    }
}
