using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Http;
using Strata.AspNetCore.Shell;
using Strata.AspNetCore.Tests.Support;
using static Strata.AspNetCore.Tests.StaticShellTests;

namespace Strata.AspNetCore.Tests;

/// <summary>[StaticParams]: the values a page lists for its route parameters are prerendered into static shells.</summary>
public sealed class StaticParamsTests
{
    [Fact]
    public async Task ListedValues_AreServedAsShells_OnTheFirstRequest_WithoutRendering()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();

        var (one, oneBody) = await Get(client, "/shell-posts/1");
        var (two, twoBody) = await Get(client, "/shell-posts/2");

        Assert.Equal(1, app.Probe.Count("ShellPostIds")); // the provider ran once, after start-up
        Assert.Equal(CacheStatusHeader.Hit, Html.Value(one, CacheStatusHeader.Name));
        Assert.Equal(CacheStatusHeader.Hit, Html.Value(two, CacheStatusHeader.Name));
        Assert.Equal("post 1 #1", Html.Text(oneBody, "shell-post"));
        Assert.Equal("post 2 #1", Html.Text(twoBody, "shell-post"));
        Assert.Equal(1, app.Probe.Count("ShellPost1")); // rendered by the prerender only
        Assert.Equal(1, app.Probe.Count("ShellPost2"));
        Assert.NotEqual("", Html.Value(one, "ETag"));
    }

    [Fact]
    public async Task UnlistedValue_IsRenderedOnDemand_ThenServedAsAShell()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();

        var (first, firstBody) = await Get(client, "/shell-posts/3");
        await Idle(app);
        var (second, secondBody) = await Get(client, "/shell-posts/3");

        Assert.Equal("post 3 #1", Html.Text(firstBody, "shell-post"));
        Assert.Equal("", Html.Value(first, "ETag")); // rendered for the request
        Assert.NotEqual(CacheStatusHeader.Hit, Html.Value(first, CacheStatusHeader.Name));
        Assert.Equal(CacheStatusHeader.Hit, Html.Value(second, CacheStatusHeader.Name));
        Assert.Equal("post 3 #1", Html.Text(secondBody, "shell-post")); // the prerender read the request's entry
        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/shell-posts/3", out _));
    }

    [Fact]
    public async Task UnlistedValues_BeyondMaxOnDemandShells_AreRenderedOnEveryRequest()
    {
        using var app = new TestAppFactory { StaticShell = true, Settings = { ["Strata:StaticShell:MaxOnDemandShells"] = "1" } };
        _ = app.Server;
        await Idle(app);
        var client = app.CreateClient();

        await Get(client, "/shell-posts/3");
        await Get(client, "/shell-posts/4");
        await Idle(app);
        var (three, _) = await Get(client, "/shell-posts/3");
        var (four, _) = await Get(client, "/shell-posts/4");

        Assert.Equal(CacheStatusHeader.Hit, Html.Value(three, CacheStatusHeader.Name));
        Assert.Equal("", Html.Value(four, "ETag"));
        Assert.Contains(app.Logs.Messages, m => m.Contains("MaxOnDemandShells", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevalidatingTheTagOfOneValue_RegeneratesOnlyThatValuesShell()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();
        var (twoBefore, _) = await Get(client, "/shell-posts/2");
        app.Advance(0.001);

        (await client.PostAsync("/api/revalidate-tag/shell-post-1", null)).EnsureSuccessStatusCode();
        app.Advance(0.001);
        var (one, oneBody) = await Get(client, "/shell-posts/1");
        await Idle(app);
        var (oneLater, oneLaterBody) = await Get(client, "/shell-posts/1");
        var (two, twoBody) = await Get(client, "/shell-posts/2");

        Assert.Equal("", Html.Value(one, "ETag")); // expired: rendered for the request
        Assert.Matches("^post 1 #[23]$", Html.Text(oneBody, "shell-post"));
        Assert.Equal(CacheStatusHeader.Hit, Html.Value(oneLater, CacheStatusHeader.Name));
        Assert.Matches("^post 1 #[23]$", Html.Text(oneLaterBody, "shell-post"));
        Assert.Equal(CacheStatusHeader.Hit, Html.Value(two, CacheStatusHeader.Name));
        Assert.Equal(Html.Value(twoBefore, "ETag"), Html.Value(two, "ETag"));
        Assert.Equal("post 2 #1", Html.Text(twoBody, "shell-post"));
        Assert.Equal(1, app.Probe.Count("ShellPost2")); // the other value's shell was not made again
    }

    [Fact]
    public async Task ObjectsNamingSeveralParameters_AreBoundToTheRoute_AsRoutingWould()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();

        var (news, newsBody) = await Get(client, "/shell-sections/News/7");
        var (spaced, spacedBody) = await Get(client, "/shell-sections/a%20b/8");
        var (lower, _) = await Get(client, "/shell-sections/news/7");

        Assert.Equal(CacheStatusHeader.Hit, Html.Value(news, CacheStatusHeader.Name));
        Assert.Equal("News 7", Html.Text(newsBody, "section"));
        Assert.Equal(CacheStatusHeader.Hit, Html.Value(spaced, CacheStatusHeader.Name));
        Assert.Equal("a b 8", Html.Text(spacedBody, "section"));
        Assert.Equal("", Html.Value(lower, "ETag")); // another value of a parameter: not the shell of "News"
    }

    [Fact]
    public async Task ValueThatFailsTheRouteConstraint_IsLogged_AndThePageIsRenderedOnDemand()
    {
        using var app = await StartAsync();
        var client = app.CreateClient();

        var (response, _) = await Get(client, "/shell-bad/1");

        Assert.Contains(app.Logs.Messages, m => m.StartsWith("Route /shell-bad/{id:int}: the page's [StaticParams] method failed", StringComparison.Ordinal) &&
            m.Contains("ShellBadParamsPage.Ids listed a value that does not match the route '/shell-bad/{id:int}' (parameter 'id' is 'x')", StringComparison.Ordinal));
        Assert.Equal("", Html.Value(response, "ETag"));
    }
}
