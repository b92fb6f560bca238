using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Strata.AspNetCore.Shell;
using Strata.AspNetCore.Tests.Support;
using static Strata.AspNetCore.Tests.StaticShellTests;

namespace Strata.AspNetCore.Tests;

/// <summary>
/// <c>app.UseStrataShells()</c>: shells that are bytes alone are served where it stands in the pipeline (before authentication
/// in the test app), with the same headers as from <c>app.UseStrata()</c>; the middleware after it does not run for them.
/// </summary>
public sealed class StaticShellMiddlewareTests
{
    private static Task<TestAppFactory> StartEarlyAsync(bool fallbackPolicy = false) =>
        StartAsync(new TestAppFactory { StaticShell = true, EarlyShells = true, FallbackPolicy = fallbackPolicy });

    [Fact]
    public async Task Shell_IsServedBeforeTheMiddlewareAfterUseStrataShells_WithTheSameHeaders()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();
        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/shell", out var shell));

        var (response, body) = await Get(client, "/shell");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(shell.Document.Body, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("part #1", Html.Text(body, "shell-part"));
        Assert.Equal(shell.Document.ETag, Html.Value(response, "ETag"));
        Assert.Equal("s-maxage=100, stale-while-revalidate=200", Html.CacheControl(response));
        Assert.Equal("19", Html.Value(response, "x-strata-stale-time"));
        Assert.Equal("HIT", Html.Value(response, "x-strata-cache"));
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(shell.Document.Body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("", Html.Value(response, "x-test-after-shells"));
        Assert.Equal(0, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task RequestTheShellDoesNotStandFor_GoesOnThroughThePipeline()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();

        var (query, queryBody) = await Get(client, "/shell?page=2"); // a component could read the query: rendered
        var (post, _) = await Get(client, "/api/revalidate-tag-max/unrelated", m => m.Method = HttpMethod.Post);

        Assert.Equal("ran", Html.Value(query, "x-test-after-shells"));
        Assert.Equal("", Html.Value(query, "ETag"));
        Assert.Equal("part #1", Html.Text(queryBody, "shell-part"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(2, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task MatchingIfNoneMatch_Gets304_AndHeadGetsTheHeadersWithoutBody()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();
        var (first, firstBody) = await Get(client, "/shell");
        var etag = Html.Value(first, "ETag");

        var (notModified, notModifiedBody) = await Get(client, "/shell", m => m.Headers.TryAddWithoutValidation("If-None-Match", etag));
        var (head, headBody) = await Get(client, "/shell", m => m.Method = HttpMethod.Head);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("", notModifiedBody);
        Assert.Equal(etag, Html.Value(notModified, "ETag"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("", headBody);
        Assert.Equal(etag, Html.Value(head, "ETag"));
        Assert.Equal(firstBody.Length, head.Content.Headers.ContentLength);
        Assert.Equal(0, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task StaleShell_IsServedOnceWhileItIsRegenerated_ThenTheNewOne()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();
        app.Advance(101); // past the part's revalidate (100 s), before its expire

        var (stale, staleBody) = await Get(client, "/shell");
        await Idle(app);
        var (fresh, freshBody) = await Get(client, "/shell");

        Assert.Equal("STALE", Html.Value(stale, "x-strata-cache"));
        Assert.Equal("part #1", Html.Text(staleBody, "shell-part"));
        Assert.Equal("HIT", Html.Value(fresh, "x-strata-cache"));
        Assert.Equal("part #2", Html.Text(freshBody, "shell-part"));
        Assert.Equal(0, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task ExpiredShell_IsNotServedEarly_ThePageIsRenderedThroughThePipeline()
    {
        using var app = await StartEarlyAsync();
        var client = app.CreateClient();
        app.Advance(301); // past the part's expire

        var (response, body) = await Get(client, "/shell");

        Assert.Equal("ran", Html.Value(response, "x-test-after-shells"));
        Assert.Equal("", Html.Value(response, "ETag"));
        Assert.NotEqual("part #1", Html.Text(body, "shell-part")); // rendered again: the part had expired
    }

    [Fact]
    public async Task PageWithStreamedParts_IsLeftToUseStrata_WhichStreamsItsHole()
    {
        using var app = await StartEarlyAsync();
        app.Probe.HoleGate.SetResult();
        var client = app.CreateClient();

        var (response, body) = await Get(client, "/holes", m => m.Headers.Add("Cookie", "theme=dark"));

        Assert.Equal("ran", Html.Value(response, "x-test-after-shells"));
        Assert.True(Html.Has(body, "hole-fallback")); // the shell, from UseStrata
        Assert.Contains("<p id=\"hole\">theme dark</p></template>", body, StringComparison.Ordinal);
        Assert.Equal(1, app.Probe.Count("ShellPart"));
    }

    [Fact]
    public async Task UnderAFallbackPolicy_NoShellIsServedBeforeAuthorization()
    {
        using var app = await StartEarlyAsync(fallbackPolicy: true);
        var client = app.CreateClient();
        Assert.True(app.Services.GetRequiredService<ShellStore>().TryGet("/shell", out var shell)); // made: the page is public to the prerender

        var (anonymous, _) = await Get(client, "/shell");
        var (signedIn, _) = await Get(client, "/shell", m => m.Headers.Add("X-Test-User", "ada"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode); // the fallback policy refused it
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(shell.Document.ETag, Html.Value(signedIn, "ETag")); // the shell, served by UseStrata after authorization
        Assert.Equal(2, app.Probe.Count("AfterShells"));
    }

    [Fact]
    public async Task ShellHit_AllocatesNothing()
    {
        using var app = await StartEarlyAsync();
        var store = app.Services.GetRequiredService<ShellStore>();
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/shell";
        context.Features.GetRequiredFeature<IHttpResponseFeature>().Headers = new ServerHeaders();
        for (var i = 0; i < 3; i++)
        {
            Serve(store, context); // the body writer and the headers' storage are made once per connection, as in Kestrel
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Serve(store, context);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal("HIT", context.Response.Headers["x-strata-cache"].ToString());
    }

    private static void Serve(ShellStore store, HttpContext context)
    {
        context.Response.Headers.Clear();
        Assert.True(store.TryServe(context, render: null, out var write));
        Assert.True(write.IsCompletedSuccessfully);
    }

    /// <summary>Response headers that keep Content-Length as a number, as Kestrel's do (ASP.NET Core's HeaderDictionary formats it into a string).</summary>
    private sealed class ServerHeaders : IHeaderDictionary
    {
        private readonly Dictionary<string, StringValues> _values = new(StringComparer.OrdinalIgnoreCase);

        public StringValues this[string key]
        {
            get => _values.TryGetValue(key, out var value) ? value : StringValues.Empty;
            set => _values[key] = value;
        }

        public long? ContentLength { get; set; }

        public ICollection<string> Keys => _values.Keys;

        public ICollection<StringValues> Values => _values.Values;

        public int Count => _values.Count;

        public bool IsReadOnly => false;

        StringValues IDictionary<string, StringValues>.this[string key] { get => this[key]; set => this[key] = value; }

        public void Add(string key, StringValues value) => _values.Add(key, value);

        public void Add(KeyValuePair<string, StringValues> item) => _values.Add(item.Key, item.Value);

        public void Clear()
        {
            _values.Clear();
            ContentLength = null;
        }

        public bool Contains(KeyValuePair<string, StringValues> item) => _values.ContainsKey(item.Key);

        public bool ContainsKey(string key) => _values.ContainsKey(key);

        public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, StringValues>>)_values).CopyTo(array, arrayIndex);

        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => _values.GetEnumerator();

        public bool Remove(string key) => _values.Remove(key);

        public bool Remove(KeyValuePair<string, StringValues> item) => _values.Remove(item.Key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value) => _values.TryGetValue(key, out value);

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
