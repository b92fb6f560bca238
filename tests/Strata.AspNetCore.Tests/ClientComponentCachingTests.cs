using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

/// <summary>
/// Interactive components inside cached components: the entry keeps the component's type, render mode and parameters, and
/// every render (miss or hit) renders it again through the page's renderer, so a hit carries the marker a miss carries,
/// with the parts Blazor makes new for every request (the prerender id, the Interactive Server descriptor) made new.
/// </summary>
public sealed partial class ClientComponentCachingTests
{
    [Fact]
    public async Task WebAssemblyChildOfACachedComponent_OnAHit_CarriesTheMarkerAndHtmlOfTheMiss()
    {
        using var app = new TestAppFactory { Interactive = true };
        var browser = app.Browser();

        var miss = await browser.Get("/client-cached/3");
        var hit = await browser.Get("/client-cached/3");

        Assert.Equal(1, app.Probe.Count("CachedClients"));
        var (missMarker, missHtml) = Single(miss, "webassembly");
        var (hitMarker, hitHtml) = Single(hit, "webassembly");
        Assert.Equal(WithoutPrerenderId(missMarker), WithoutPrerenderId(hitMarker));
        Assert.NotEqual(missMarker.GetProperty("prerenderId").GetString(), hitMarker.GetProperty("prerenderId").GetString());
        Assert.Equal(missHtml, hitHtml);
        Assert.Contains("c3: 3 (item-3 4.5)", hitHtml, StringComparison.Ordinal);
        Assert.Equal("Strata.AspNetCore.Tests.TestApp.Components.ClientCounter", hitMarker.GetProperty("typeName").GetString());
        Assert.Equal("""[3,"c3",{"name":"item-3","price":4.5}]""", Base64(hitMarker, "parameterValues"));
    }

    [Fact]
    public async Task WebAssemblyChildOfACachedComponent_ItsParametersArePartOfWhatTheKeyCovers()
    {
        using var app = new TestAppFactory { Interactive = true };
        var browser = app.Browser();

        var three = Single(await browser.Get("/client-cached/3"), "webassembly").Marker;
        var four = Single(await browser.Get("/client-cached/4"), "webassembly").Marker;
        var threeAgain = Single(await browser.Get("/client-cached/3"), "webassembly").Marker;

        Assert.Equal(2, app.Probe.Count("CachedClients"));
        Assert.Equal("""[4,"c4",{"name":"item-4","price":6.0}]""", Base64(four, "parameterValues"));
        Assert.Equal(Base64(three, "parameterValues"), Base64(threeAgain, "parameterValues"));
    }

    [Fact]
    public async Task InteractiveServerChildOfACachedComponent_OnAHit_GetsADescriptorOfItsOwnRequest()
    {
        using var app = new TestAppFactory { Interactive = true };
        var browser = app.Browser();

        var miss = Single(await browser.Get("/client-cached/5"), "server");
        var hit = Single(await browser.Get("/client-cached/5"), "server");

        Assert.Equal(1, app.Probe.Count("CachedClients"));
        Assert.Equal("<span class=\"live-box\">server 5</span>", hit.Html.Trim());
        Assert.Equal(miss.Html, hit.Html);
        Assert.NotEqual(miss.Marker.GetProperty("descriptor").GetString(), hit.Marker.GetProperty("descriptor").GetString());
    }

    [Fact]
    public async Task DelegateInAnObjectParameterOfAClientComponent_InACachedComponent_FailsWithTheDocumentedMessage_AndIsNotCached()
    {
        using var app = new TestAppFactory { Interactive = true };
        var browser = app.Browser();

        var first = await browser.Text("/errors/client-prop", "error");
        var second = await browser.Text("/errors/client-prop", "error");

        Assert.Equal(
            "Functions cannot be passed directly to Client Components unless you explicitly expose it by marking it with [UseServer]. " +
            "Parameter 'Value' of the client component LiveBox receives an Action, which is a function that runs on the server and cannot be sent to the browser. " +
            "Declare the parameter as a server function reference (ServerFunction<TResult> or one of its siblings) and pass a [UseServer] method or an inline server function with ServerAction.Of(...), or move the code into the client component.",
            first);
        Assert.Equal(first, second);
    }

    /// <summary>The start marker of the only interactive component of the type on the page, and the HTML up to its end marker.</summary>
    private static (JsonElement Marker, string Html) Single(string page, string type)
    {
        var starts = Markers().Matches(page).Select(m => (Match: m, Json: JsonDocument.Parse(m.Groups[1].Value).RootElement))
            .Where(m => m.Json.TryGetProperty("type", out var t) && t.GetString() == type).ToList();
        var start = Assert.Single(starts);
        var id = start.Json.GetProperty("prerenderId").GetString();
        var end = page.IndexOf($"<!--Blazor:{{\"prerenderId\":\"{id}\"}}-->", StringComparison.Ordinal);
        Assert.True(end > 0, $"no end marker for {id} in:\n{page}");
        var from = start.Match.Index + start.Match.Length;
        return (start.Json, page[from..end]);
    }

    private static string WithoutPrerenderId(JsonElement marker) =>
        string.Join(",", marker.EnumerateObject().Where(p => p.Name != "prerenderId").Select(p => p.Name + "=" + p.Value.GetRawText()));

    private static string Base64(JsonElement marker, string property) => Encoding.UTF8.GetString(Convert.FromBase64String(marker.GetProperty(property).GetString()!));

    [GeneratedRegex("<!--Blazor:(\\{.*?\\})-->")]
    private static partial Regex Markers();
}
