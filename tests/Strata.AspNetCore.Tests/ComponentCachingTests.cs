using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

public sealed class ComponentCachingTests
{
    [Fact]
    public async Task CachedComponent_SameParameters_RendersTheStoredHtml()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var first = await browser.Text("/greet/ann/1", "greeting");
        var second = await browser.Text("/greet/ann/1", "greeting");

        Assert.Equal(first, second);
        Assert.Equal(1, app.Probe.Count("Greeting"));
    }

    [Fact]
    public async Task CachedComponent_DifferentParameters_RendersAgain()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var one = await browser.Text("/greet/ann/1", "greeting");
        var two = await browser.Text("/greet/ann/2", "greeting");
        var otherName = await browser.Text("/greet/bob/1", "greeting");

        Assert.Equal("Hello ann (1), render #1", one);
        Assert.Equal("Hello ann (2), render #2", two);
        Assert.Equal("Hello bob (1), render #3", otherName);
    }

    [Fact]
    public async Task CachedComponent_Hit_RunsNoLifecycleMethod()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        for (var i = 0; i < 3; i++)
        {
            await browser.Get("/greet/ann/1");
        }

        Assert.Equal(1, app.Probe.Count("Greeting.OnInitialized"));
    }

    [Fact]
    public async Task Slots_AreRenderedLiveOnEveryRequest()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var first = await browser.Get("/frame/sale");
        var second = await browser.Get("/frame/sale");

        Assert.Equal("header live #1", Html.Text(first, "header-live"));
        Assert.Equal("header live #2", Html.Text(second, "header-live"));
        Assert.Equal("child live #2", Html.Text(second, "child-live"));
    }

    [Fact]
    public async Task Slots_AreNotPartOfTheKey()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        await browser.Get("/frame/sale");
        var second = await browser.Get("/frame/sale");

        Assert.Equal("sale #1", Html.Text(second, "frame-stamp"));
        Assert.Equal(1, app.Probe.Count("Frame"));
    }

    [Fact]
    public async Task WhetherASlotIsGiven_IsPartOfTheKey()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var withHeader = await browser.Text("/frame/sale", "frame-stamp");
        var withoutHeader = await browser.Text("/frame-no-header/sale", "frame-stamp");

        Assert.Equal("sale #1", withHeader);
        Assert.Equal("sale #2", withoutHeader);
    }

    [Fact]
    public async Task NestedCachedComponent_ItsTagsReachTheOuterEntry()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/nested/news");

        await browser.Post("/api/revalidate-tag/inner-news");
        var page = await browser.Get("/nested/news");

        Assert.StartsWith("outer #2", Html.Text(page, "outer"));
        Assert.Equal("inner news #2", Html.Text(page, "inner"));
    }

    [Fact]
    public async Task NestedCachedComponent_RevalidatingOnlyTheOuterTag_KeepsTheInnerEntry()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/nested/news");

        await browser.Post("/api/revalidate-tag/outer");
        var page = await browser.Get("/nested/news");

        Assert.StartsWith("outer #2", Html.Text(page, "outer"));
        Assert.Equal("inner news #1", Html.Text(page, "inner"));
    }

    [Fact]
    public async Task NestedCachedComponent_ItsShorterLifetimeExpiresTheOuterEntry()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/nested/news");

        app.Advance(301); // Inner: CacheLife(expire: 300); Outer has no CacheLife of its own
        var page = await browser.Get("/nested/news");

        Assert.StartsWith("outer #2", Html.Text(page, "outer"));
        Assert.Equal("inner news #2", Html.Text(page, "inner"));
    }

    [Fact]
    public async Task CachedComponent_BeforeItExpires_IsStillAHit()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        await browser.Get("/nested/news");

        app.Advance(99); // before Inner's revalidate (100 s)
        var page = await browser.Get("/nested/news");

        Assert.StartsWith("outer #1", Html.Text(page, "outer"));
    }

    [Fact]
    public async Task CachedPageAndItsCachedLayout_AreCachedIndependently()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var one = await browser.Get("/cached-page/1");
        var oneAgain = await browser.Get("/cached-page/1");
        var two = await browser.Get("/cached-page/2");

        Assert.Equal("page 1 #1", Html.Text(oneAgain, "page-stamp"));
        Assert.Equal("page 2 #2", Html.Text(two, "page-stamp"));
        Assert.Equal("layout #1", Html.Text(one, "layout-stamp"));
        Assert.Equal("layout #1", Html.Text(two, "layout-stamp"));
        Assert.Equal(1, app.Probe.Count("CachedLayout"));
    }

    [Fact]
    public async Task ParameterThatCannotBeEncoded_IsAnErrorNamingIt()
    {
        using var app = new TestAppFactory();

        var error = await app.Browser().Text("/errors/unkeyable", "error");

        Assert.StartsWith("The cached component Unkeyable cannot be rendered: its parameters are its cache key. Parameter 'Stream' cannot be part of a cache key: 'Stream' is of type System.IO.MemoryStream, which is a stream", error);
    }

    [Fact]
    public async Task TemplateParameter_IsAnError()
    {
        using var app = new TestAppFactory();

        var error = await app.Browser().Text("/errors/template", "error");

        Assert.Equal(
            "The cached component Template has the template parameter 'Item' (RenderFragment<Int32>). A template is rendered with values the component computes, " +
            "so it can be neither part of the cache key nor a hole filled in live like a RenderFragment slot. Render the items inside the component itself, or pass a plain RenderFragment slot.",
            error);
    }

    [Fact]
    public async Task PageTitleInsideACachedComponent_IsAnError()
    {
        using var app = new TestAppFactory();

        var error = await app.Browser().Text("/errors/title", "error");

        Assert.StartsWith("SectionContent (PageTitle, HeadContent or SectionContent) cannot be rendered inside [UseCache] component TitleInCache", error);
    }

    [Fact]
    public async Task FormWithAnAntiforgeryTokenInsideACachedComponent_IsAnError()
    {
        using var app = new TestAppFactory();

        var error = await app.Browser().Text("/errors/form", "error");

        Assert.StartsWith("Route /errors/{Which} rendered AntiforgeryToken inside [UseCache] component FormInCache, but AntiforgeryToken renders an antiforgery token for a form (a token per visitor).", error);
    }

    [Fact]
    public async Task CachedComponentThatThrows_ShowsTheError_AndIsNotCached()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var first = await browser.Text("/errors/throws", "error");
        var second = await browser.Text("/errors/throws", "error");

        Assert.Equal("The upstream is down.", first);
        Assert.Equal("The upstream is down.", second);
        Assert.Equal(2, app.Probe.Count("Throwing"));
    }

    [Fact]
    public async Task SameCachedComponentTwiceOnAPage_IsFilledOnce()
    {
        using var app = new TestAppFactory();

        var page = await app.Browser().Get("/twice");

        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(page, "Hello dup \\(1\\), render #1").Count);
        Assert.Equal(1, app.Probe.Count("Greeting"));
    }
}
