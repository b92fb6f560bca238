using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

public sealed class HeaderTests
{
    [Fact]
    public async Task StaleTimeHeader_IsTheShortestStaleOfTheCachesThePageUsed()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/life/frequent");

        Assert.Equal("19", Html.Value(response, "x-strata-stale-time"));
    }

    [Fact]
    public async Task StaleTimeHeader_Is300_WhenNoCacheLoweredIt()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/life/default");

        Assert.Equal("300", Html.Value(response, "x-strata-stale-time"));
    }

    [Fact]
    public async Task StaleTimeHeader_IsAbsent_WhenThePageUsedNoCache()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/plain");

        Assert.Equal("", Html.Value(response, "x-strata-stale-time"));
        Assert.DoesNotContain("s-maxage", Html.CacheControl(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CacheControl_OfAPageBuiltFromCachedParts_IsSMaxAgeRevalidateAndStaleWhileRevalidateTheRest()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/life/frequent"); // revalidate 100, expire 300

        Assert.Equal("s-maxage=100, stale-while-revalidate=200", Html.CacheControl(response));
    }

    [Fact]
    public async Task CacheControl_WithTheDefaultProfile_UsesOneYearForTheExpire()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/life/default"); // revalidate 900, expire never

        Assert.Equal("s-maxage=900, stale-while-revalidate=31535100", Html.CacheControl(response));
    }

    [Fact]
    public async Task CacheControl_OfANestedCache_TakesTheInnerLifetimes()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/nested/news");

        Assert.Equal("19", Html.Value(response, "x-strata-stale-time"));
        Assert.Equal("s-maxage=100, stale-while-revalidate=200", Html.CacheControl(response));
    }

    [Fact]
    public async Task CacheControl_OfAPageThatReadCookies_IsPrivate()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/cookie-page");

        Assert.Equal("private, no-cache, no-store, max-age=0, must-revalidate", Html.CacheControl(response));
        Assert.Equal("300", Html.Value(response, "x-strata-stale-time"));
    }

    [Fact]
    public async Task CacheControl_OfAPageThatBindsAQueryParameter_IsPrivate()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/query-page?sort=price");

        Assert.Equal("private, no-cache, no-store, max-age=0, must-revalidate", Html.CacheControl(response));
    }

    [Fact]
    public async Task CacheControl_OfAPageWithAForm_IsPrivate()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/edit/1");

        Assert.Equal("private, no-cache, no-store, max-age=0, must-revalidate", Html.CacheControl(response));
    }

    [Fact]
    public async Task PubliclyCacheablePage_DoesNotSetTheAntiforgeryCookie()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient(new() { HandleCookies = false }).GetAsync("/life/default");

        Assert.False(response.Headers.Contains("Set-Cookie"), string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var c) ? c : []));
    }

    [Fact]
    public async Task CacheControl_OfACachedPageInTheTemplatesAppRazor_IsPublic()
    {
        // TestApp/App.razor has the head of the .NET 10 `dotnet new blazor` template: ImportMap takes the HttpContext as a
        // cascading parameter but only reads the endpoint's metadata, which is the same for every request.
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/life/frequent");

        Assert.Equal("s-maxage=100, stale-while-revalidate=200", Html.CacheControl(response));
    }

    [Fact]
    public async Task CacheControl_OfAPageThatUsedNoCache_IsLeftAsItIs()
    {
        using var app = new TestAppFactory();

        using var plain = await app.CreateClient().GetAsync("/plain");
        using var form = await app.CreateClient().GetAsync("/form-no-cache"); // renders a form: antiforgery sets its own header

        Assert.Equal("", Html.CacheControl(plain));
        Assert.Equal("no-cache, no-store", Html.CacheControl(form));
    }

    [Fact]
    public async Task PrivateReasonHeader_InDevelopment_SaysWhyTheResponseWasMadePrivate()
    {
        using var app = new TestAppFactory("Development");

        using var response = await app.CreateClient().GetAsync("/query-page?sort=price");

        Assert.Equal("private, no-cache, no-store, max-age=0, must-revalidate", Html.CacheControl(response));
        Assert.Equal("QueryPage binds [SupplyParameterFromQuery] 'Sort'", Html.Value(response, "x-strata-private-reason"));
        Assert.Contains(app.Logs.Messages, m => m.Contains("/query-page", StringComparison.Ordinal) && m.Contains("QueryPage binds [SupplyParameterFromQuery] 'Sort'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrivateReasonHeader_OutsideDevelopment_IsNotSent()
    {
        using var app = new TestAppFactory();

        using var response = await app.CreateClient().GetAsync("/query-page?sort=price");

        Assert.Equal("private, no-cache, no-store, max-age=0, must-revalidate", Html.CacheControl(response));
        Assert.Equal("", Html.Value(response, "x-strata-private-reason"));
    }
}
