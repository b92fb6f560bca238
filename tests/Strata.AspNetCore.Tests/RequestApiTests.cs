using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Tests.Support;
using static Strata.Cache;

namespace Strata.AspNetCore.Tests;

public sealed class RequestApiTests
{
    [Fact]
    public async Task CookiesInsideAPublicCachedComponent_FailsWithTheDocumentedError()
    {
        using var app = new TestAppFactory();

        var error = await app.Browser().Text("/errors/cookies", "error");

        Assert.Equal(
            "Route /errors/{Which} used `Cookies()` inside [UseCache]. Accessing Dynamic data sources inside a cache scope is not supported. " +
            "If you need this data inside a cached function use `Cookies()` outside of the cached function and pass the required dynamic data in as an argument. " +
            "See more info here: https://nextjs.org/docs/messages/next-request-in-use-cache",
            error);
    }

    [Fact]
    public async Task ConnectionInsideACachedComponent_FailsWithTheDocumentedError()
    {
        using var app = new TestAppFactory();

        var error = await app.Browser().Text("/errors/connection", "error");

        Assert.Equal(
            "Route /errors/{Which} used `Connection()` inside [UseCache]. The `Connection()` function is used to indicate the subsequent code must only run when there is an actual request, " +
            "but caches must be able to be produced before a request, so this function is not allowed in this scope. " +
            "See more info here: https://nextjs.org/docs/messages/next-request-in-use-cache",
            error);
    }

    [Fact]
    public async Task QueryParameterInAPublicCachedComponent_FailsWithTheDocumentedError()
    {
        using var app = new TestAppFactory();

        var error = await app.Browser().Text("/errors/query", "error");

        Assert.Equal(
            "Route /errors/{Which} used `[SupplyParameterFromQuery]` ('Page') inside [UseCache] component QueryInCache. Accessing dynamic request data inside a cache scope is not supported. " +
            "If you need some search params inside a cached component read them outside of it (in an uncached parent, with [SupplyParameterFromQuery] or SearchParams()) " +
            "and pass only the values you need as parameters, which become part of its cache key; or use [UseCache(\"private\")]. " +
            "See more info here: https://nextjs.org/docs/messages/next-request-in-use-cache",
            error);
    }

    [Fact]
    public async Task PrivateCachedComponent_KeysItsQueryValues()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        var foo = await browser.Text("/private-query?q=foo", "private-query");
        var bar = await browser.Text("/private-query?q=bar", "private-query");

        Assert.StartsWith("q=foo,", foo);
        Assert.StartsWith("q=bar,", bar);
    }

    [Fact]
    public async Task PrivateCachedComponent_ReadsCookies_AndRunsOnEveryRequest()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient(new() { HandleCookies = false });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/private-query?q=foo");
        request.Headers.Add("Cookie", "theme=dark");
        using var first = await client.SendAsync(request);
        using var second = await client.GetAsync("/private-query?q=foo");

        Assert.Equal("q=foo, theme=dark #1", Html.Text(await first.Content.ReadAsStringAsync(), "private-query"));
        Assert.Equal("q=foo, theme=none #2", Html.Text(await second.Content.ReadAsStringAsync(), "private-query"));
        Assert.Equal("private, no-cache, no-store, max-age=0, must-revalidate", Html.CacheControl(second));
    }

    [Fact]
    public async Task CookiesInAnEndpoint_ReadTheRequestCookies()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient(new() { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cookies");
        request.Headers.Add("Cookie", "a=1; b=2");

        using var response = await client.SendAsync(request);

        Assert.Equal("{\"count\":2}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequestApis_OutsideARequest_FailWithAClearError()
    {
        using var app = new TestAppFactory();
        _ = app.Services;
        using var scope = app.Runtime.Use();

        var error = await Task.Run(() => Assert.Throws<InvalidOperationException>(() => Cookies()));

        Assert.Equal(
            "`Cookies()` was called outside of a request. Request data only exists while an HTTP request is being handled " +
            "(in a Razor component, an endpoint or a server action). In a background service, pass the values you need explicitly instead.",
            error.Message);
    }

    [Fact]
    public async Task RevalidateTag_DuringRender_FailsWithTheDocumentedError()
    {
        using var app = new TestAppFactory();

        var error = await app.Browser().Text("/revalidate-in-render", "error");

        Assert.StartsWith("Route /revalidate-in-render used \"RevalidateTag anything\" during render which is unsupported.", error);
    }

    [Fact]
    public async Task UpdateTag_InAnEndpoint_FailsWithTheDocumentedError()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().PostAsync("/api/update-tag/products", null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(
            "UpdateTag can only be called from within a Server Action. To invalidate cache tags in Route Handlers or other contexts, use RevalidateTag instead. " +
            "See more info here: https://nextjs.org/docs/app/api-reference/functions/updateTag",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void UseStrata_WithoutTheServices_FailsWithTheFix()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Services.AddStrata();
        using var web = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => Microsoft.AspNetCore.Builder.StrataApplicationBuilderExtensions.UseStrata(web));

        Assert.Equal("app.UseStrata() needs Strata's web services. Register them in Program.cs: builder.Services.AddStrata().AddAspNetCore();", error.Message);
    }

    [Fact]
    public async Task AddAspNetCore_WithoutUseStrata_FailsAtStartWithTheFix()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        builder.Services.AddRazorComponents();
        builder.Services.AddStrata().AddAspNetCore();
        await using var web = builder.Build();
        Microsoft.AspNetCore.Builder.RazorComponentsEndpointRouteBuilderExtensions.MapRazorComponents<Strata.AspNetCore.Tests.TestApp.App>(web);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => web.StartAsync());

        Assert.StartsWith("builder.Services.AddStrata().AddAspNetCore() was called, but the request pipeline has no app.UseStrata()", error.Message, StringComparison.Ordinal);
        Assert.Contains("app.UseStrata();", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseStrata_AndAnExplicitUseRouting_StartsOnlyWhenRoutingComesFirst(bool routingFirst)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        builder.Services.AddRazorComponents();
        builder.Services.AddStrata().AddAspNetCore();
        await using var web = builder.Build();
        if (routingFirst)
        {
            Microsoft.AspNetCore.Builder.EndpointRoutingApplicationBuilderExtensions.UseRouting(web);
        }

        Microsoft.AspNetCore.Builder.StrataApplicationBuilderExtensions.UseStrata(web);
        if (!routingFirst)
        {
            Microsoft.AspNetCore.Builder.EndpointRoutingApplicationBuilderExtensions.UseRouting(web);
        }

        Microsoft.AspNetCore.Builder.RazorComponentsEndpointRouteBuilderExtensions.MapRazorComponents<Strata.AspNetCore.Tests.TestApp.App>(web);

        if (routingFirst)
        {
            await web.StartAsync();
            await web.StopAsync();
            return;
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => web.StartAsync());
        Assert.StartsWith("app.UseStrata() is called before app.UseRouting()", error.Message, StringComparison.Ordinal);
        Assert.Contains("app.UseRouting();\napp.UseStrata();", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAspNetCore_WithUseStrata_Starts()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        builder.Services.AddRazorComponents();
        builder.Services.AddStrata().AddAspNetCore();
        await using var web = builder.Build();
        Microsoft.AspNetCore.Builder.StrataApplicationBuilderExtensions.UseStrata(web);
        Microsoft.AspNetCore.Builder.RazorComponentsEndpointRouteBuilderExtensions.MapRazorComponents<Strata.AspNetCore.Tests.TestApp.App>(web);

        await web.StartAsync();
        await web.StopAsync();
    }

#pragma warning disable STRATA011 // called outside a cached function on purpose
    [Fact]
    public async Task CacheTagInACircuitsInboundActivity_DoesNothing()
    {
        using var app = new TestAppFactory();
        using var scope = app.Services.CreateScope();
        var handler = Assert.Single(scope.ServiceProvider.GetServices<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>());
        var ran = false;

        await handler.CreateInboundActivityHandler(_ =>
        {
            CacheTag("product-1"); // a [UseCache] component rendering live in the circuit
            CacheLife("hours");
            ran = true;
            return Task.CompletedTask;
        })(null!);

        Assert.True(ran);
        Assert.Throws<InvalidOperationException>(() => CacheTag("product-1"));
    }
#pragma warning restore STRATA011
}
