using System.Net;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

/// <summary>NotFound() and NavigateTo() inside cached components (scenario 40), and HEAD requests to pages.</summary>
public sealed class NavigationAndHeadTests
{
    [Theory]
    [InlineData("/navigate/not-found")]
    [InlineData("/navigate/not-found/nested")]
    public async Task NotFoundInCachedComponent_Answers404_AndStoresNothing(string url)
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();

        using var first = await client.GetAsync(url);
        using var second = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal(2, app.Probe.Count("Navigating")); // nothing was stored: the component ran again
        Assert.DoesNotContain("s-maxage", Html.CacheControl(second), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/navigate/redirect")]
    [InlineData("/navigate/redirect/nested")]
    public async Task RedirectInCachedComponent_Redirects_AndStoresNothing(string url)
    {
        using var app = new TestAppFactory();
        var client = app.CreateDefaultClient(); // does not follow redirects
        client.DefaultRequestHeaders.Add("Accept", "text/html");
        using var first = await client.GetAsync(url);
        using var second = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.EndsWith("/plain", first.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(2, app.Probe.Count("Navigating"));
    }

    [Fact]
    public async Task CachedComponentThatDoesNotNavigate_IsStored()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();

        Assert.Equal("stay", await browser.Text("/navigate/stay", "navigating"));
        Assert.Equal("stay", await browser.Text("/navigate/stay", "navigating"));

        Assert.Equal(1, app.Probe.Count("Navigating"));
    }

    [Theory]
    [InlineData("/plain")]
    [InlineData("/cached-page/3")]
    public async Task HeadToPage_AnswersWithTheGetHeaders_AndNoBody(string url)
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        using var get = await client.GetAsync(url);

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        var body = await head.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(body);
        Assert.Equal(get.Content.Headers.ContentType?.ToString(), head.Content.Headers.ContentType?.ToString());
        Assert.Equal(Html.CacheControl(get), Html.CacheControl(head));
        Assert.Equal(Html.Value(get, "x-strata-stale-time"), Html.Value(head, "x-strata-stale-time"));
    }

    [Fact]
    public async Task HeadToEndpointThatIsNotAPage_SeesHead()
    {
        using var app = new TestAppFactory();

        using var head = await app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/method"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("HEAD", Html.Value(head, "x-method"));
    }
}
