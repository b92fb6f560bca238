using System.IO.Compression;
using System.Net;
using Microsoft.Playwright;

namespace Strata.E2E.Tests;

/// <summary>
/// What a page costs the browser (docs/use-client.md#what-it-costs-the-browser): the Storefront's pages, their enhanced
/// navigation and router prefetch responses go out compressed in the encoding the browser asked for, and say so in
/// <c>Vary</c> so a cache never hands a Brotli body to a client that asked for gzip. Pages that stream stay uncompressed:
/// Blazor marks them <c>Content-Encoding: identity</c> (so no proxy buffers them) and Strata reads that mark to keep them
/// out of shared caches; ProductPage_StreamsThePrice_AndKeepsItsStampsOnReload checks they still stream.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class CompressionTests(StorefrontServer server)
{
    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Page_IsSentCompressed_InTheEncodingTheClientAccepts(string encoding)
    {
        var (response, html) = await Get("/counter", encoding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Contains("Count: 0", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouterPrefetch_OfAPageThatDoesNotStream_IsSentCompressed()
    {
        var (response, html) = await Get("/", "br", ("Accept", "text/html; blazor-enhanced-nav=on"), ("x-strata-prefetch", "1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Contains("</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_IsSentUncompressed_WhenTheClientAcceptsNoEncoding()
    {
        var (response, html) = await Get("/counter", encoding: null);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("Count: 0", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chromium_ReceivesTheCounterPageInBrotli_AndTheCounterStillCounts()
    {
        var page = await server.NewPage();
        var response = await page.GotoAsync("/counter");

        Assert.Equal("br", await response!.HeaderValueAsync("content-encoding"));
        await Assertions.Expect(page.Locator("#increment")).ToBeEnabledAsync(new() { Timeout = 60_000 }); // enabled once WebAssembly runs it
        await page.Locator("#increment").ClickAsync();
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("Count: 1");
    }

    private async Task<(HttpResponseMessage Response, string Body)> Get(string path, string? encoding, params (string Name, string Value)[] headers)
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });
        using var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + path);
        if (encoding is not null)
        {
            request.Headers.AcceptEncoding.ParseAdd(encoding);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await http.SendAsync(request);
        await using var body = await response.Content.ReadAsStreamAsync();
        await using Stream decoded = response.Content.Headers.ContentEncoding.SingleOrDefault() switch
        {
            "br" => new BrotliStream(body, CompressionMode.Decompress),
            "gzip" => new GZipStream(body, CompressionMode.Decompress),
            null => body,
            var other => throw new InvalidOperationException($"unexpected Content-Encoding {other}"),
        };
        using var reader = new StreamReader(decoded);
        return (response, await reader.ReadToEndAsync());
    }
}
