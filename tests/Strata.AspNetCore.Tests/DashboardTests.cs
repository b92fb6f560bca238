using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

/// <summary><c>app.MapStrataDashboard("/_strata")</c>: protected, plain HTML, and its revalidate actions.</summary>
public sealed partial class DashboardTests
{
    private static HttpClient Admin(TestAppFactory app)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Test-User", "ada");
        client.DefaultRequestHeaders.Add("X-Test-Roles", "admin");
        return client;
    }

    private static async Task<(HttpResponseMessage Response, string Html)> Page(HttpClient client, string url = "/_strata")
    {
        var response = await client.GetAsync(url);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts one of the dashboard's forms with its antiforgery field, as the browser would.</summary>
    private static async Task<HttpResponseMessage> Post(HttpClient client, string form, params (string Name, string Value)[] fields)
    {
        var (_, html) = await Page(client);
        var match = Regex.Match(html, $"<form id=\"{form}\" method=\"post\" action=\"([^\"]+)\"><input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">");
        Assert.True(match.Success, html);
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new(match.Groups[2].Value, WebUtility.HtmlDecode(match.Groups[3].Value)));
        return await client.PostAsync(WebUtility.HtmlDecode(match.Groups[1].Value), new FormUrlEncodedContent(values));
    }

    private static bool Holds(TestAppFactory app, string tag) =>
        ((MemoryCacheHandler)app.Runtime.GetHandler("default")).GetEntries().Any(e => e.Entry.Tags.Contains(tag));

    [Fact]
    public async Task Dashboard_RefusesAnonymousVisitors_AndUsersOutsideThePolicy()
    {
        using var app = new TestAppFactory();
        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        var user = app.CreateClient(new() { AllowAutoRedirect = false });
        user.DefaultRequestHeaders.Add("X-Test-User", "eve");

        using var refused = await anonymous.GetAsync("/_strata");
        using var forbidden = await user.GetAsync("/_strata");
        using var post = await anonymous.PostAsync("/_strata/revalidate-tag", new FormUrlEncodedContent([new("tag", "outer")]));
        var (shown, html) = await Page(Admin(app));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("id=\"strata-dashboard\"", html, StringComparison.Ordinal);
        Assert.Equal("no-store", Html.CacheControl(shown));
    }

    [Fact]
    public async Task Dashboard_ListsEntriesWithTheirTags_TheMemoryInUse_AndRecentInvalidationsWithTheirSource()
    {
        using var app = new TestAppFactory();
        var admin = Admin(app);
        await app.Browser().Get("/nested/news");
        await app.CreateClient().PostAsync("/api/revalidate-tag-max/catalog", null);

        var (_, html) = await Page(admin);

        Assert.Matches("<tr class=\"entry\"><td><code>[0-9a-f]{32}</code></td><td>\\d+ B</td><td>0 s</td><td>100 s</td><td>300 s</td><td class=\"fresh\">fresh</td><td>outer, inner-news</td></tr>", html);
        Assert.Matches("<section id=\"memory\">.*?<td>default, remote</td><td>\\d+</td>", html);
        Assert.Matches("<tr class=\"invalidation\"><td>[^<]+</td><td>catalog</td><td>RevalidateTag\\(max\\)</td><td>stale</td><td>endpoint /api/revalidate-tag-max/\\{tag\\}</td></tr>", html);
        Assert.Contains("<svg id=\"hit-ratio-chart\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevalidateTag_FromTheDashboard_RemovesTheTagsEntries_AndTheNextReadRendersAgain()
    {
        using var app = new TestAppFactory();
        var admin = Admin(app);
        var browser = app.Browser();
        var before = await browser.Text("/nested/news", "outer");
        Assert.True(Holds(app, "outer"));

        using var response = await Post(admin, "revalidate-tag", ("tag", "outer"), ("mode", "expire"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.StartsWith("/_strata?done=", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(Holds(app, "outer"));
        Assert.NotEqual(before, await browser.Text("/nested/news", "outer"));
        var (_, html) = await Page(admin, response.Headers.Location!.OriginalString);
        Assert.Contains("Tag &quot;outer&quot; expired", html, StringComparison.Ordinal);
        Assert.Matches("<td>outer</td><td>RevalidateTag\\(profile\\)</td><td>expired</td><td>endpoint /_strata/revalidate-tag</td>", html);
    }

    [Fact]
    public async Task RevalidatePath_FromTheDashboard_ExpiresWhatThePathRead()
    {
        using var app = new TestAppFactory();
        var admin = Admin(app);
        var browser = app.Browser();
        var before = await browser.Text("/cached-page/1", "page-stamp");
        app.Advance(0.001);

        using var response = await Post(admin, "revalidate-path", ("path", "/cached-page/1"), ("type", ""));
        app.Advance(0.001);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.NotEqual(before, await browser.Text("/cached-page/1", "page-stamp"));
    }

    [Fact]
    public async Task DashboardPost_WithoutTheAntiforgeryToken_IsRefused_AndRevalidatesNothing()
    {
        using var app = new TestAppFactory();
        var admin = Admin(app);
        await app.Browser().Get("/nested/news");

        using var response = await admin.PostAsync("/_strata/revalidate-tag", new FormUrlEncodedContent([new("tag", "outer")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(Holds(app, "outer"));
    }

    [Fact]
    public async Task MapStrataDashboard_WithoutAuthorization_FailsTheStart_NamingTheFix()
    {
        await using var app = Minimal(dashboard => { });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("The Strata dashboard at \"/_strata\" has no authorization", error.Message, StringComparison.Ordinal);
        Assert.Contains(".RequireAuthorization(\"policy\")", error.Message, StringComparison.Ordinal);
        Assert.Contains(".AllowAnonymous()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapStrataDashboard_AllowAnonymousOnPurpose_Starts_AndServesEveryone()
    {
        await using var app = Minimal(dashboard => dashboard.AllowAnonymous());
        await app.StartAsync();

        using var response = await app.GetTestClient().GetAsync("/_strata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static WebApplication Minimal(Action<IEndpointConventionBuilder> protect)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddStrata().AddAspNetCore();
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseStrata();
        protect(app.MapStrataDashboard());
        return app;
    }
}
