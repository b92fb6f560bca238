using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Server;
using Strata.AspNetCore.Tests.Support;
using Strata.AspNetCore.Tests.TestApp;
using Strata.Generated;

namespace Strata.AspNetCore.Tests;

public sealed class ServerFunctionTests
{
    private const string Origin = "http://localhost";

    // ---- identity ----

    [Fact]
    public void ActionIds_AreHexHashesThatDoNotContainTheName()
    {
        using var app = new TestAppFactory();
        var id = Id(app, "Hello");
        Assert.Matches("^[0-9a-f]{40}$", id);
        Assert.DoesNotContain("Hello", id, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(id, Id(app, "Add"));
    }

    [Fact]
    public void ActionIds_AreTheSameOnEveryInstanceOfOneBuild_AndChangeWithTheSalt()
    {
        using var first = new TestAppFactory();
        using var second = new TestAppFactory();
        using var salted = new TestAppFactory();
        var saltedApp = salted.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Configure<ServerFunctionOptions>(o => o.IdSalt = "secret")));

        Assert.Equal(Id(first, "Hello"), Id(second, "Hello"));
        Assert.NotEqual(Id(first, "Hello"), IdIn(saltedApp.Services, "Hello"));
    }

    // ---- fetch calls ----

    [Fact]
    public async Task Fetch_StaticFunction_ReturnsItsResultAsJson()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Hello", "[\"Ada\"]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"Hello, Ada\"", await response.Content.ReadAsStringAsync());
        Assert.Contains("no-store", Html.CacheControl(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_InstanceFunction_BindsEveryArgumentAndRunsOnce()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Create", "[\"Ada\", 36, {\"name\": \"Grace\", \"age\": 40}]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Ada", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(36, json.RootElement.GetProperty("age").GetInt32());
        Assert.Equal(["Create(Ada,36,Grace)"], Ledger(app).Runs);
    }

    [Fact]
    public async Task Fetch_CancellationTokenParameter_IsNotSentByTheCaller()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Add", "[2, 3]");
        Assert.Equal("5", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fetch_UpdateTag_ReportsTheRevalidatedTagsInAHeader()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Rename", "[3, {\"name\": \"Renamed\"}]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var header = JsonDocument.Parse(Html.Value(response, ServerActionHandler.RevalidatedHeader));
        Assert.Equal(["product-3"], header.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Renamed", app.Store.Name(3));
    }

    [Fact]
    public async Task Fetch_Redirect_ReturnsTheTargetInAHeader()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "GoTo", "[\"/plain\"]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/plain;push", Html.Value(response, ServerActionHandler.RedirectHeader));
    }

    [Fact]
    public async Task Fetch_CookiesSet_SendsTheCookie()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Remember", "[\"ada\"]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("name=ada", StringComparison.Ordinal));
    }

    // ---- security: nothing runs ----

    [Fact]
    public async Task Fetch_WithoutOrigin_Is403AndDoesNotRun()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Create", "[\"Ada\", 1, null]", origin: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(Ledger(app).Runs);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("http://localhost.evil.example")]
    [InlineData("null")]
    public async Task Fetch_FromAnotherOrigin_Is403AndDoesNotRun(string origin)
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Create", "[\"Ada\", 1, null]", origin: origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Invalid Server Actions request.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Fetch_ForwardedHostMatchingTheOrigin_Runs_AndOneThatDoesNot_Is403()
    {
        using var app = new TestAppFactory();
        using var proxied = await Call(app, "Create", "[\"Ada\", 1, null]", origin: "https://shop.example.com", headers: [("X-Forwarded-Host", "shop.example.com, internal")]);
        using var mismatched = await Call(app, "Create", "[\"Eve\", 1, null]", origin: Origin, headers: [("X-Forwarded-Host", "shop.example.com")]);

        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mismatched.StatusCode);
        Assert.Equal(["Create(Ada,1,)"], Ledger(app).Runs);
    }

    [Theory]
    [InlineData("*.example.com", "https://shop.example.com", true)]
    [InlineData("*.example.com", "https://a.shop.example.com", false)]
    [InlineData("**.example.com", "https://a.shop.example.com", true)]
    [InlineData("*.example.com", "https://example.com", false)]
    [InlineData("*", "https://anything", false)]
    [InlineData("SHOP.example.com", "https://shop.EXAMPLE.com", true)]
    public async Task Fetch_AllowedOrigins_AcceptWildcardsPerLabel(string pattern, string origin, bool allowed)
    {
        using var factory = new TestAppFactory();
        var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Configure<ServerFunctionOptions>(o => o.AllowedOrigins.Add(pattern))));
        using var response = await Call(app.CreateClient(), IdIn(app.Services, "Create"), "[\"Ada\", 1, null]", origin);

        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(allowed ? 1 : 0, app.Services.GetRequiredService<Ledger>().Runs.Count);
    }

    [Fact]
    public async Task Fetch_BodyOverTheLimit_Is413AndDoesNotRun()
    {
        using var app = new TestAppFactory();
        var name = new string('a', (int)ServerFunctionOptions.DefaultBodySizeLimit);
        using var response = await Call(app, "Create", $"[\"{name}\", 1, null]");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Fetch_BodyLimit_IsConfigurable_AndCountsStreamedBodiesToo()
    {
        using var factory = new TestAppFactory();
        var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Configure<ServerFunctionOptions>(o => o.BodySizeLimit = 64)));
        var client = app.CreateClient();
        var id = IdIn(app.Services, "Create");
        using var small = await Call(client, id, "[\"Ada\", 1, null]", Origin);

        // No Content-Length: the limit is enforced while reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.Add(ServerActionHandler.ActionHeader, id);
        request.Headers.Add("Origin", Origin);
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"[\"{new string('b', 100)}\", 1, null]")));
        request.Headers.TransferEncodingChunked = true;
        using var large = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(["Create(Ada,1,)"], app.Services.GetRequiredService<Ledger>().Runs);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("0000000000000000000000000000000000000000")]
    [InlineData("Strata.AspNetCore.Tests.TestApp.Accounts.Create(string,int,Strata.AspNetCore.Tests.TestApp.Account)")]
    public async Task Fetch_UnknownId_Is404AndSaysSo(string id)
    {
        using var app = new TestAppFactory();
        using var response = await Call(app.CreateClient(), id, "[]", Origin);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("1", Html.Value(response, ServerActionHandler.NotFoundHeader));
        Assert.Contains("Server action not found.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\"Ada\", 1]", null)]
    [InlineData("[\"Ada\", 1, null, 4]", null)]
    [InlineData("[\"Ada\", \"old\", null]", "age")]
    [InlineData("[null, 1, null]", "name")]
    [InlineData("[\"Ada\", 1.5, null]", "age")]
    [InlineData("[\"Ada\", 1, {\"name\": \"Grace\"}]", "referrer")]
    [InlineData("[\"Ada\", 1, {\"name\": \"Grace\", \"age\": 1, \"admin\": true}]", "referrer")]
    [InlineData("{\"name\": \"Ada\"}", null)]
    [InlineData("[\"Ada\", 1, nul", null)]
    public async Task Fetch_InvalidArguments_Are400NamingTheParameter_AndDoNotRun(string body, string? parameter)
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Create", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_arguments", error.GetProperty("code").GetString());
        Assert.Equal(parameter, error.TryGetProperty("parameter", out var p) ? p.GetString() : null);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Fetch_JsonDeeperThanTheLimit_Is400AndDoesNotRun()
    {
        using var app = new TestAppFactory();
        var deep = new string('[', 40) + new string(']', 40);
        using var response = await Call(app, "Create", $"[\"Ada\", 1, {deep}]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Fetch_Authorize_Unauthenticated_Is401AndDoesNotRun()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Secret", "[]");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Fetch_AuthorizeWithRole_WithoutTheRole_Is403AndDoesNotRun_WithItRuns()
    {
        using var app = new TestAppFactory();
        using var user = await Call(app, "AdminOnly", "[]", headers: [("X-Test-User", "eve")]);
        using var admin = await Call(app, "AdminOnly", "[]", headers: [("X-Test-User", "ada"), ("X-Test-Roles", "admin")]);
        using var secret = await Call(app, "Secret", "[]", headers: [("X-Test-User", "eve")]);

        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        Assert.Equal(["AdminOnly", "Secret"], Ledger(app).Runs);
    }

    [Fact]
    public async Task Fetch_Authorize_IsCheckedBeforeTheArguments()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Secret", "[\"unexpected\"]");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Fetch_UnexpectedException_InProduction_HidesTheMessageAndLogsItWithADigest()
    {
        using var app = new TestAppFactory();
        using var response = await Call(app, "Fail", "[\"database password is hunter2\"]");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var digest = json.RootElement.GetProperty("error").GetProperty("digest").GetString();
        Assert.False(string.IsNullOrEmpty(digest));
        Assert.Contains(app.Logs.Warnings, e => e.Contains(digest!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fetch_UnexpectedException_InDevelopment_ShowsTheMessage()
    {
        using var factory = new TestAppFactory();
        var app = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var response = await Call(app.CreateClient(), IdIn(app.Services, "Fail"), "[\"boom\"]", Origin);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("boom", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // ---- forms ----

    [Fact]
    public async Task Form_WithoutJavaScript_RunsWithTheCapturedIdAndRendersThePageWithFreshData()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        var page = await (await client.GetAsync("/server-form/2")).Content.ReadAsStringAsync();
        Assert.Equal("Toaster", Html.Text(page, "product-name")); // cached with tag product-2

        using var response = await PostForm(client, FormFields(page, "rename", ("name", "Fresh name")));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Rename(2,Fresh name)"], Ledger(app).Runs);
        Assert.Equal("Fresh name", Html.Text(body, "product-name")); // read-your-own-writes: UpdateTag expired the cached name
    }

    [Fact]
    public async Task Form_Redirect_Is303ToTheTarget()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var page = await (await client.GetAsync("/server-form/2")).Content.ReadAsStringAsync();

        using var response = await PostForm(client, FormFields(page, "goto"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/plain", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Form_TamperedCapturedValues_Are400AndDoNotRun()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        var fields = FormFields(await (await client.GetAsync("/server-form/2")).Content.ReadAsStringAsync(), "rename", ("name", "x"));
        var captured = fields.Single(f => f.Key == ServerActionHandler.CapturedField).Value;
        var flipped = captured[..10] + (captured[10] == 'A' ? 'B' : 'A') + captured[11..];

        foreach (var bad in new[] { flipped, captured[..^4], "", "not base64!" })
        {
            var tampered = fields.Select(f => f.Key == ServerActionHandler.CapturedField ? new KeyValuePair<string, string>(f.Key, bad) : f).ToList();
            using var response = await PostForm(client, tampered);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Form_CapturedValuesReplayedIntoAnotherFunction_Are400AndDoNotRun()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        var fields = FormFields(await (await client.GetAsync("/server-form/2")).Content.ReadAsStringAsync(), "rename", ("stock", "9"));
        var replayed = fields.Select(f => f.Key == ServerActionHandler.ActionField ? new KeyValuePair<string, string>(f.Key, Id(app, "Restock")) : f).ToList();

        using var response = await PostForm(client, replayed);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(CapturedValues.InvalidPayload, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Form_ExpiredCapturedValues_Are400AndDoNotRun()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        var fields = FormFields(await (await client.GetAsync("/server-form/2")).Content.ReadAsStringAsync(), "rename", ("name", "late"));
        app.Advance(ServerFunctionOptions.DefaultCapturedValuesLifetime.TotalSeconds + 1);

        using var response = await PostForm(client, fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Form_FromAnotherOrigin_Is403AndDoesNotRun()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        var fields = FormFields(await (await client.GetAsync("/server-form/2")).Content.ReadAsStringAsync(), "rename", ("name", "evil"));

        using var response = await PostForm(client, fields, origin: "http://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Form_BodyOverTheLimit_Is413AndDoesNotRun()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        var fields = FormFields(await (await client.GetAsync("/server-form/2")).Content.ReadAsStringAsync(), "rename", ("name", new string('n', (int)ServerFunctionOptions.DefaultBodySizeLimit)));

        using var response = await PostForm(client, fields);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Ledger(app).Runs);
    }

    [Fact]
    public async Task Form_OrdinaryBlazorFormPost_IsNotAServerFunctionCall()
    {
        using var app = new TestAppFactory();
        var browser = app.Browser();
        var page = await browser.SubmitForm("/edit/1", ("NewName", "Plain post"));
        Assert.Contains("Plain post", page, StringComparison.Ordinal);
    }

    // ---- helpers ----

    internal static string Id(TestAppFactory app, string method) => IdIn(app.Services, method);

    internal static string IdIn(IServiceProvider services, string method)
    {
        var table = services.GetRequiredService<ServerFunctionTable>();
        return table.IdOf(ServerFunctions.All.Single(f => f.MethodName == method && f.DeclaringType.Namespace == typeof(Ledger).Namespace));
    }

    private static Ledger Ledger(TestAppFactory app) => app.Services.GetRequiredService<Ledger>();

    private static Task<HttpResponseMessage> Call(TestAppFactory app, string method, string body, string? origin = Origin, (string Name, string Value)[]? headers = null) =>
        Call(app.CreateClient(), Id(app, method), body, origin, headers);

    internal static Task<HttpResponseMessage> Call(HttpClient client, string id, string body, string? origin, (string Name, string Value)[]? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/plain")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ServerActionHandler.ActionHeader, id);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Add(name, value);
        }

        return client.SendAsync(request);
    }

    /// <summary>The fields a browser posts for the ServerForm with the id: its hidden inputs, then <paramref name="fields"/>.</summary>
    private static List<KeyValuePair<string, string>> FormFields(string page, string formId, params (string Name, string Value)[] fields)
    {
        var form = Regex.Match(page, $"<form[^>]*id=\"{formId}\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, page);
        var values = new List<KeyValuePair<string, string>>();
        foreach (Match input in Regex.Matches(form.Groups[1].Value, "<input[^>]*>"))
        {
            var name = Regex.Match(input.Value, "name=\"([^\"]*)\"").Groups[1].Value;
            var value = Regex.Match(input.Value, "value=\"([^\"]*)\"");
            if (value.Success)
            {
                values.Add(new(name, WebUtility.HtmlDecode(value.Groups[1].Value)));
            }
        }

        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return values;
    }

    private static Task<HttpResponseMessage> PostForm(HttpClient client, List<KeyValuePair<string, string>> fields, string origin = Origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/server-form/2") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Origin", origin);
        return client.SendAsync(request);
    }
}
