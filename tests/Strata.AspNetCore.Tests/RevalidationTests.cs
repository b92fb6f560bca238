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
    public async Task RevalidatePath_WithTypeLayout_OfTheRouteTemplate_ReachesItsPages()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/blog/a");

        await browser.Post("/api/revalidate-path?path=" + Uri.EscapeDataString("/blog/{slug}") + "&type=layout");

        Assert.Equal("a #2", await browser.Text("/blog/a", "path-stamp"));
    }

    [Theory]
    [InlineData("/edit/{id}")]
    [InlineData("/edit/{Id:int}")]
    [InlineData("/Edit/{ID}/")]
    public async Task RevalidatePath_WithTypePage_ReachesARouteWithAConstraint_HoweverTheTemplateIsWritten(string template)
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        Assert.Equal("#1", await browser.Text("/edit/1", "product-stamp"));

        await browser.Post("/api/revalidate-path?path=" + Uri.EscapeDataString(template) + "&type=page");

        Assert.Equal("#2", await browser.Text("/edit/1", "product-stamp"));
        Assert.DoesNotContain(app.Logs.Warnings, w => w.Contains("matches no route", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevalidatePath_WithTypePage_ReachesARouteWithEscapedBracesInARegexConstraint()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        Assert.Equal("123 #1", await browser.Text("/code/123", "path-stamp"));

        await browser.Post("/api/revalidate-path?path=" + Uri.EscapeDataString("/code/{code}") + "&type=page");

        Assert.Equal("123 #2", await browser.Text("/code/123", "path-stamp"));
    }

    [Theory]
    [InlineData("/Blog/a", "/blog/a")]
    [InlineData("/blog/a", "/BLOG/a/")]
    public async Task RevalidatePath_OfAPath_ReachesTheSamePathWrittenInAnotherCase(string rendered, string revalidated)
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        Assert.Equal("a #1", await browser.Text(rendered, "path-stamp"));

        await browser.Post("/api/revalidate-path?path=" + Uri.EscapeDataString(revalidated));

        Assert.Equal("a #2", await browser.Text(rendered, "path-stamp"));
    }

    [Fact]
    public async Task RevalidatePath_OfATemplateThatMatchesNoRoute_LogsAWarning()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        await browser.Post("/api/revalidate-path?path=" + Uri.EscapeDataString("/edits/{id}") + "&type=page");

        Assert.Contains(app.Logs.Warnings, w => w.StartsWith("RevalidatePath(\"/edits/{id}\", \"page\") matches no route of this application", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("update-tag")]
    [InlineData("revalidate-path")]
    [InlineData("revalidate-tag")]
    public async Task ExpiringInAFormPost_TheWholePageOfThatResponseShowsTheNewValue(string mode)
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var response = await browser.SubmitForm("/edit/1", ("NewName", "Steel kettle"), ("Mode", mode));

        Assert.Equal("Steel kettle", Html.Text(response, "product-name")); // a cached component
        Assert.Equal("Steel kettle", Html.Text(response, "live-name"));    // an uncached component that reads a [UseCache] method
        Assert.Equal($"Saved ({mode})", Html.Text(response, "saved"));     // the handler's own state
    }

    [Theory]
    [InlineData("update-tag")]
    [InlineData("revalidate-path")]
    [InlineData("revalidate-tag")]
    [InlineData("refresh")]
    public async Task RefreshingThePageAfterAFormPost_RunsOtherComponentsAgain_NotTheFormsComponent_NorTheHandler(string mode)
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var response = await browser.SubmitForm("/edit/1", ("Stock", "sold out"), ("Mode", mode));

        Assert.Equal("sold out", Html.Text(response, "live-stock")); // uncached data read again after the handler
        Assert.Equal("#3", Html.Text(response, "live-init"));      // the form's GET, the post's render, once more after the handler
        Assert.Equal("#2", Html.Text(response, "edit-init"));      // the component whose form was posted keeps its state
        Assert.Equal(1, app.Probe.Count("RenameAsync"));
    }

    [Fact]
    public async Task Refresh_InAFormPost_LeavesTaggedCachesAlone()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var response = await browser.SubmitForm("/edit/1", ("NewName", "Steel kettle"), ("Mode", "refresh"));

        Assert.Equal("Kettle", Html.Text(response, "product-name"));
        Assert.Equal("Kettle", Html.Text(response, "live-name"));
        Assert.Equal(1, app.Probe.Count("ProductName"));
        Assert.Equal(1, app.Probe.Count("Catalog"));
    }

    [Fact]
    public async Task SeveralRevalidationsInOneHandler_RenderThePageAgainOnce()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var response = await browser.SubmitForm("/edit/1", ("NewName", "Steel kettle"), ("Mode", "update-tag-twice"));

        Assert.Equal("Steel kettle", Html.Text(response, "live-name"));
        Assert.Equal("#3", Html.Text(response, "live-init"));
    }

    [Fact]
    public async Task RevalidateTagWithAProfile_InAFormPost_ShowsTheOldValue_ThenTheNewOneOnceRefreshed()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var response = await browser.SubmitForm("/edit/1", ("NewName", "Steel kettle"), ("Mode", "revalidate-tag-max"));
        var next = await browser.Get("/edit/1");
        await app.Runtime.FlushAsync(); // the background refresh the stale read started
        var after = await browser.Get("/edit/1");

        Assert.Equal("Kettle", Html.Text(response, "product-name")); // no read-your-own-writes: served stale
        Assert.Equal("Kettle", Html.Text(response, "live-name"));
        Assert.Equal("Saved (revalidate-tag-max)", Html.Text(response, "saved"));
        Assert.Equal("Kettle", Html.Text(next, "product-name"));     // stale once, refreshed in the background
        Assert.Equal("Steel kettle", Html.Text(after, "product-name"));
        Assert.Equal("Steel kettle", Html.Text(after, "live-name"));
    }

    [Fact]
    public async Task UpdateTag_InAFormPost_LaterRequestsShowTheNewValue()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        await browser.SubmitForm("/edit/1", ("NewName", "Steel kettle"));

        Assert.Equal("Steel kettle", await browser.Text("/edit/1", "product-name"));
        Assert.Equal("Steel kettle", await browser.Text("/edit/1", "live-name"));
    }

    [Fact]
    public async Task FormPost_WithoutRevalidation_KeepsTheCachedValue_AndDoesNotRenderThePageAgain()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var response = await browser.SubmitForm("/edit/1", ("NewName", "Steel kettle"), ("Mode", "none"));

        Assert.Equal("Kettle", Html.Text(response, "product-name"));
        Assert.Equal("Kettle", Html.Text(response, "live-name"));
        Assert.Equal("#2", Html.Text(response, "live-init"));
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

    [Theory]
    [InlineData("on")]
    [InlineData("o")]
    [InlineData("!!!")]
    [InlineData("CfDJ8")]
    [InlineData("draft-mode-on")]
    public async Task DraftModeCookie_CannotBeForged_NorBreakTheRequest(string forged)
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient(new() { HandleCookies = false });
        await client.GetAsync("/greet/ann/1");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/greet/ann/1");
        request.Headers.Add("Cookie", "__strata_draft=" + forged);
        using var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello ann (1), render #1", Html.Text(await response.Content.ReadAsStringAsync(), "greeting"));
    }
}
