using Microsoft.Extensions.Primitives;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Requests;

public sealed class RequestApiTests
{
    private static RequestData Data(bool draftMode = false) => new(
        cookies: new Dictionary<string, string> { ["language"] = "fr" },
        headers: new Dictionary<string, StringValues> { ["Accept-Language"] = "fr-FR" },
        searchParams: new Dictionary<string, StringValues> { ["q"] = "shoes" },
        draftMode: draftMode);

    [Fact]
    public void OutsideCaches_TheRequestApisReadTheRequest_AndMakeItDynamic()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data());

        Assert.Equal("fr", Cookies()["language"]);
        Assert.Equal("fr-FR", Headers()["accept-language"].ToString());
        Assert.Equal("shoes", SearchParams()["q"].ToString());
        Assert.True(request.UsedRequestData);
    }

    [Theory]
    [InlineData("Cookies()")]
    [InlineData("Headers()")]
    public async Task CookiesAndHeadersInAPublicCache_AreErrors(string api)
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data(), CacheRequestPhase.Render, route: "/errors");
        var get = Function(async () =>
        {
            await Task.Yield();
            return api == "Cookies()" ? Cookies().Count : Headers().Count;
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => get());

        Assert.Equal(
            $"Route /errors used `{api}` inside [UseCache]. Accessing Dynamic data sources inside a cache scope is not supported. If you need this data inside a cached function use `{api}` outside of the cached function and pass the required dynamic data in as an argument. See more info here: https://nextjs.org/docs/messages/next-request-in-use-cache",
            error.Message);
    }

    [Fact]
    public async Task SearchParamsInAPublicCache_IsAnError()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data(), CacheRequestPhase.Render, route: "/search");
        var get = Function(async () => { await Task.Yield(); return SearchParams().Count; }, "remote");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => get());

        Assert.StartsWith("Route /search used `SearchParams()` inside [UseCache(\"remote\")]. Accessing dynamic request data inside a cache scope is not supported.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CookiesHeadersAndSearchParams_AreAllowedInAPrivateCache()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data());
        var get = Function(async () =>
        {
            await Task.Yield();
            return $"{Cookies()["language"]}|{Headers()["Accept-Language"]}|{SearchParams()["q"]}";
        }, "private");

        Assert.Equal("fr|fr-FR|shoes", await get());
    }

    [Fact]
    public async Task ConnectionInAPublicCache_IsAnError()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data(), route: "/dashboard");
        var get = Function(async () => { await Connection(); return 1; });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => get());

        Assert.StartsWith("Route /dashboard used `Connection()` inside [UseCache]. The `Connection()` function is used to indicate the subsequent code must only run when there is an actual request, but caches must be able to be produced before a request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionInAPrivateCache_IsAnErrorToo()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data(), route: "/dashboard");
        var get = Function(async () => { await Connection(); return 1; }, "private");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => get());

        Assert.StartsWith("Route /dashboard used `Connection()` inside [UseCache(\"private\")]. The `Connection()` function is used to indicate the subsequent code must only run when there is an actual navigation request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionOutsideCaches_MakesTheRequestDynamic()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data());

        await Connection();

        Assert.True(request.UsedRequestData);
    }

    [Fact]
    public async Task DraftMode_CanBeReadInACache_ButNotChanged()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data(), route: "/draft");
        var read = Function(async () => { await Task.Yield(); return DraftMode().IsEnabled; });
        var change = Function(async () => { await Task.Yield(); DraftMode().Enable(); return true; });

        Assert.False(await read());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => change());

        Assert.StartsWith("Route /draft used \"DraftMode().Enable()\" inside [UseCache]. The enabled status of `DraftMode()` can be read in caches but you must not enable or disable `DraftMode()` inside a cache.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DraftMode_CanBeTurnedOnOutsideCaches()
    {
        using var t = new TestRuntime();
        var data = Data();
        using var request = t.Runtime.BeginRequest(data);

        DraftMode().Enable();

        Assert.True(data.IsDraftMode);
        Assert.True(request.IsDraftMode);
    }

    [Theory]
    [InlineData("Cookies()")]
    [InlineData("Headers()")]
    [InlineData("SearchParams()")]
    [InlineData("Connection()")]
    [InlineData("DraftMode()")]
    public void OutsideARequest_TheRequestApisAreErrors(string api)
    {
        using var t = new TestRuntime();

        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            _ = api switch
            {
                "Cookies()" => (object)Cookies(),
                "Headers()" => Headers(),
                "SearchParams()" => SearchParams(),
                "Connection()" => Connection(),
                _ => DraftMode(),
            };
        });

        Assert.StartsWith($"`{api}` was called outside of a request.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CacheRequestPhase.Action)]
    [InlineData(CacheRequestPhase.Handler)]
    public void CookiesSetAndDelete_InAnActionOrAnEndpoint_ChangeTheCookiesLaterReadsSee(CacheRequestPhase phase)
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data(), phase);

        Cookies().Set("theme", "dark");
        Cookies().Delete("language");

        Assert.Equal("dark", Cookies()["theme"]);
        Assert.False(Cookies().ContainsKey("language"));
    }

    [Fact]
    public void CookiesSet_WhileRendering_IsAnErrorNamingTheCallAndTheRoute()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data(), CacheRequestPhase.Render, route: "/account");

        var error = Assert.Throws<InvalidOperationException>(() => Cookies().Set("theme", "dark"));
        Assert.Contains("Cookies().Set(\"theme\")", error.Message, StringComparison.Ordinal);
        Assert.Contains("/account", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cookies can only be modified in a Server Action or Route Handler", error.Message, StringComparison.Ordinal);
        Assert.Equal("fr", Cookies()["language"]);
        Assert.False(Cookies().ContainsKey("theme"));
    }

    [Fact]
    public async Task CookiesDelete_InsideACachedFunction_IsAnError()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(Data(), CacheRequestPhase.Action);
        var remove = Cache.Function(() =>
        {
            Cookies().Delete("language");
            return Task.FromResult(1);
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => remove());
        Assert.Equal("fr", Cookies()["language"]);
    }
}
