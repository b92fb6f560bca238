using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

public sealed class RevalidationTests
{
    [Fact]
    public async Task RevalidateTag_InAnEndpoint_ExpiresTheComponentsWithTheTag()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/greet/ann/1");

        await browser.Post("/api/revalidate-tag/greeting-ann");

        Assert.Equal("Hello ann (1), render #2", await browser.Text("/greet/ann/1", "greeting"));
    }

    [Fact]
    public async Task RevalidateTag_OfAnotherTag_KeepsTheComponent()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/greet/ann/1");

        await browser.Post("/api/revalidate-tag/greeting-bob");

        Assert.Equal("Hello ann (1), render #1", await browser.Text("/greet/ann/1", "greeting"));
    }

    [Fact]
    public async Task RevalidatePath_ExpiresWhatWasReadWhileRenderingThatPath()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/blog/a");

        await browser.Post("/api/revalidate-path?path=/blog/a");

        Assert.Equal("a #2", await browser.Text("/blog/a", "path-stamp"));
    }

    [Fact]
    public async Task RevalidatePath_KeepsWhatWasReadForOtherPaths()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/blog/a");
        await browser.Get("/blog/b");

        await browser.Post("/api/revalidate-path?path=/blog/a");

        Assert.Equal("b #2", await browser.Text("/blog/b", "path-stamp"));
    }

    [Fact]
    public async Task RevalidatePath_WithTypePage_ExpiresEveryPathOfTheRouteTemplate()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/blog/a");
        await browser.Get("/blog/b");

        await browser.Post("/api/revalidate-path?path=/blog/{Slug}&type=page");

        Assert.Equal("a #3", await browser.Text("/blog/a", "path-stamp"));
        Assert.Equal("b #4", await browser.Text("/blog/b", "path-stamp"));
    }

    [Fact]
    public async Task RevalidatePath_WithTypeLayout_ExpiresEverythingBeneathThePath()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/blog/a");
        await browser.Get("/greet/ann/1");

        await browser.Post("/api/revalidate-path?path=/blog&type=layout");

        Assert.Equal("a #2", await browser.Text("/blog/a", "path-stamp"));
        Assert.Equal("Hello ann (1), render #1", await browser.Text("/greet/ann/1", "greeting"));
    }

    [Fact]
    public async Task UpdateTag_InAFormPost_ShowsTheNewValueInTheSameResponse()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        Assert.Equal("Kettle", await browser.Text("/edit/1", "product-name"));

        var response = await browser.SubmitForm("/edit/1", ("NewName", "Steel kettle"));

        Assert.Equal("Steel kettle", Html.Text(response, "product-name"));
    }

    [Fact]
    public async Task UpdateTag_InAFormPost_LaterRequestsShowTheNewValue()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        await browser.SubmitForm("/edit/1", ("NewName", "Steel kettle"));

        Assert.Equal("Steel kettle", await browser.Text("/edit/1", "product-name"));
    }

    [Fact]
    public async Task RevalidatePath_InAFormPost_ShowsTheNewValueInTheSameResponse()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/edit/2");

        var response = await browser.SubmitForm("/edit/2", ("NewName", "Grill"), ("Mode", "revalidate-path"));

        Assert.Equal("Grill", Html.Text(response, "product-name"));
    }

    [Fact]
    public async Task FormPost_WithoutRevalidation_KeepsTheCachedValue()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/edit/1");
        app.Store.Rename(1, "Changed behind the cache's back");

        Assert.Equal("Kettle", await browser.Text("/edit/1", "product-name"));
    }

    [Fact]
    public async Task RevalidateTagWithProfile_ServesTheStaleHtmlOnce_ThenTheRefreshedHtml()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/greet/ann/1");

        await browser.Post("/api/revalidate-tag-max/greeting-ann");
        var stale = await browser.Text("/greet/ann/1", "greeting");
        await app.Runtime.FlushAsync(); // the background refresh, after its request ended
        var refreshed = await browser.Text("/greet/ann/1", "greeting");

        Assert.Equal("Hello ann (1), render #1", stale);
        Assert.Equal("Hello ann (1), render #2", refreshed);
    }

    [Fact]
    public async Task DraftMode_BypassesCachedComponents_UntilItIsTurnedOff()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/greet/ann/1");

        await browser.Post("/api/draft/on");
        var draft1 = await browser.Text("/greet/ann/1", "greeting");
        var draft2 = await browser.Text("/greet/ann/1", "greeting");
        await browser.Post("/api/draft/off");
        var after = await browser.Text("/greet/ann/1", "greeting");

        Assert.Equal("Hello ann (1), render #2", draft1);
        Assert.Equal("Hello ann (1), render #3", draft2);
        Assert.Equal("Hello ann (1), render #1", after);
    }

    [Fact]
    public async Task DraftModeCookie_CannotBeForged()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient(new() { HandleCookies = false });
        await client.GetAsync("/greet/ann/1");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/greet/ann/1");
        request.Headers.Add("Cookie", "__strata_draft=on");
        using var response = await client.SendAsync(request);

        Assert.Equal("Hello ann (1), render #1", Html.Text(await response.Content.ReadAsStringAsync(), "greeting"));
    }
}
