using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Server;
using Strata.AspNetCore.Tests.Support;
using Strata.AspNetCore.Tests.TestApp;
using Strata.Client;
using Strata.Generated;

namespace Strata.AspNetCore.Tests;

/// <summary>
/// [UseServer] interfaces (docs/use-client.md, "Importing server functions"): a POST to an interface method's id runs the
/// server's implementation with the checks every server function gets, the id is derived from names the browser's build
/// shares, and on the server the interface resolves to the implementation. The browser's proxy is covered in Chromium
/// (MyButton in tests/Strata.E2E.Tests/ClientComponentBrowserTests.cs).
/// </summary>
public sealed class ServerInterfaceTests
{
    private const string Origin = "http://localhost";

    [Fact]
    public async Task Fetch_ToAnInterfaceMethodsId_RunsTheImplementation_AndReturnsItsResultAsJson()
    {
        using var app = new TestAppFactory();

        using var response = await ServerFunctionTests.Call(app.CreateClient(), Id(app, "Describe"), """["Ada",36]""", Origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Ada", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(36, json.RootElement.GetProperty("age").GetInt32());
        Assert.Contains("Describe(Ada,36)", app.Services.GetRequiredService<Ledger>().Runs);
    }

    [Fact]
    public void Id_IsDerivedFromTheInterfacesAssemblyAndTheMethodSignature_NotFromTheModuleVersionId()
    {
        using var app = new TestAppFactory();
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            "Strata.UseServer.Interface\0Strata.AspNetCore.Tests\0Strata.AspNetCore.Tests.TestApp.INotes.Describe(string,int,System.Threading.CancellationToken)")).AsSpan(0, 20));

        Assert.Equal(expected, Id(app, "Describe"));
        Assert.Equal(typeof(Notes), Function("Describe").DeclaringType);

        // Notes is a [UseServer] class too: ServerAction.Of(its method) names the class's own function, not the interface's.
        var table = app.Services.GetRequiredService<ServerFunctionTable>();
        var own = ServerFunctions.All.Single(f => f.DeclaringType == typeof(Notes) && f.Contract is null && f.MethodName == "Describe");
        Assert.Equal(table.IdOf(own), table.IdOf(new Func<string, int, CancellationToken, Task<Account>>(new Notes(new Ledger()).Describe)));
        Assert.NotEqual(expected, table.IdOf(own));
    }

    [Fact]
    public async Task Fetch_AuthorizeOnTheImplementation_Unauthenticated_Is401AndDoesNotRun_SignedInRuns()
    {
        using var app = new TestAppFactory();

        using var anonymous = await ServerFunctionTests.Call(app.CreateClient(), Id(app, "Whisper"), "[]", Origin);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("unauthorized", Error(await anonymous.Content.ReadAsStringAsync()).GetProperty("code").GetString());
        Assert.DoesNotContain("Whisper", app.Services.GetRequiredService<Ledger>().Runs);

        using var signedIn = await ServerFunctionTests.Call(app.CreateClient(), Id(app, "Whisper"), "[]", Origin, [("X-Test-User", "ada")]);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("\"psst\"", await signedIn.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fetch_Failures_AreShapedAsForEveryServerFunction_OriginArgumentsAndErrors()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();

        using var foreign = await ServerFunctionTests.Call(client, Id(app, "Describe"), """["Ada",36]""", "https://evil.example");
        using var invalid = await ServerFunctionTests.Call(client, Id(app, "Describe"), """["Ada","old"]""", Origin);
        using var failed = await ServerFunctionTests.Call(client, Id(app, "Explode"), """["boom"]""", Origin);

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal("invalid_origin", Error(await foreign.Content.ReadAsStringAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("age", Error(await invalid.Content.ReadAsStringAsync()).GetProperty("parameter").GetString());
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        var error = Error(await failed.Content.ReadAsStringAsync());
        Assert.Equal("server_error", error.GetProperty("code").GetString());
        Assert.Matches("^[0-9a-f]{12}$", error.GetProperty("digest").GetString());
        Assert.Equal(["Explode(boom)"], app.Services.GetRequiredService<Ledger>().Runs.Where(r => !r.StartsWith("Describe", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Interface_OnTheServer_ResolvesTheImplementation_SoPrerenderAndCircuitsCallItDirectly()
    {
        using var app = new TestAppFactory();
        using var scope = app.Services.CreateScope();

        var notes = scope.ServiceProvider.GetRequiredService<INotes>();

        Assert.IsType<Notes>(notes);
        Assert.Equal("Bea", (await notes.Describe("Bea", 7, default)).Name);
    }

    [Fact]
    public async Task Proxy_IsRegisteredForTheBrowser_AndRefusesToRunOutsideIt_NamingTheFix()
    {
        var services = new ServiceCollection().AddStrataServerProxies();
        using var provider = services.BuildServiceProvider();

        var proxy = provider.GetRequiredService<INotes>();

        Assert.IsNotType<Notes>(proxy);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => proxy.Whisper().AsTask());
        Assert.Contains("Inject the [UseServer] interface", error.Message, StringComparison.Ordinal);
    }

    private static ServerFunction Function(string method) =>
        ServerFunctions.All.Single(f => f.Contract == typeof(INotes) && f.MethodName == method);

    private static string Id(TestAppFactory app, string method) =>
        app.Services.GetRequiredService<ServerFunctionTable>().IdOf(Function(method));

    private static JsonElement Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").Clone();
}
