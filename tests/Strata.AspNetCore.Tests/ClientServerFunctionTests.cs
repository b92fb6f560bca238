using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Server;
using Strata.AspNetCore.Tests.Support;
using Strata.AspNetCore.Tests.TestApp;
using Strata.Client;

namespace Strata.AspNetCore.Tests;

/// <summary>
/// Server functions as client component parameters (docs/use-client.md): what the page carries, that the handler accepts
/// it, that the shape is checked when the reference is made, and that a component rendered on the server calls it
/// directly. The browser side is covered in Chromium (tests/Strata.E2E.Tests/ClientComponentBrowserTests.cs).
/// </summary>
public sealed class ClientServerFunctionTests
{
    [Fact]
    public async Task BoundParameter_WrittenDuringARequest_CarriesOnlyTheIdAndSealedValues_WhichTheHandlerAccepts()
    {
        using var app = new TestAppFactory();
        string json;
        using (InRequest(app))
        {
            ServerFunction<int, int> add = ServerAction.Bind(Greetings.Add, 2);
            json = JsonSerializer.Serialize(add, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        using var document = JsonDocument.Parse(json);
        Assert.Equal(["id", "captured"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ServerFunctionTests.Id(app, "Add"), document.RootElement.GetProperty("id").GetString());
        var captured = document.RootElement.GetProperty("captured").GetString()!;
        Assert.StartsWith("CfDJ8", captured, StringComparison.Ordinal); // Data Protection's sealed payload, not the values

        // What the browser receives, deserialized as Blazor does, then called with the fetch protocol.
        var received = JsonSerializer.Deserialize<ServerFunction<int, int>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        using var response = await ServerFunctionTests.Call(app.CreateClient(), received.Id, "[3]", "http://localhost", [(ServerActionHandler.CapturedHeader, received.Captured!)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("5", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Parameter_CalledWhileTheServerRenders_RunsTheFunctionWithItsCapturedValues()
    {
        using var app = new TestAppFactory();
        using var request = InRequest(app);
        ServerFunction<int, int> add = ServerAction.Bind(Greetings.Add, 40);
        ServerFunction<string, string> hello = ServerAction.Of(Greetings.Hello);

        Assert.Equal(42, await add.InvokeAsync(2));
        Assert.Equal("Hello, Ada", await hello.InvokeAsync("Ada"));
    }

    [Fact]
    public async Task ParametersWithThreeAndFourArguments_CallOnTheServer_AndFromWhatTheBrowserReceives_InOrder()
    {
        using var app = new TestAppFactory();
        string json;
        using (InRequest(app))
        {
            ServerFunction<int, int, int, int, int> four = ServerAction.Bind(Greetings.Digits, 1);
            ServerFunction<int, int, int, int> three = ServerAction.Bind(Greetings.Digits, 1, 2);
            Assert.Equal(12345, await four.InvokeAsync(2, 3, 4, 5));
            Assert.Equal(12345, await three.InvokeAsync(3, 4, 5));
            json = JsonSerializer.Serialize(four, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        var received = JsonSerializer.Deserialize<ServerFunction<int, int, int, int, int>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        using var response = await ServerFunctionTests.Call(app.CreateClient(), received.Id, "[6,7,8,9]", "http://localhost", [(ServerActionHandler.CapturedHeader, received.Captured!)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("16789", await response.Content.ReadAsStringAsync());

        var wrong = Assert.Throws<ArgumentException>(() => { ServerFunction<int, int, int, int> shape = ServerAction.Bind(Greetings.Digits, 1); });
        Assert.Contains("takes (Int32, Int32, Int32, Int32)", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameter_CalledInAServerCircuit_AutosServerPhase_IsRefused_NamingTheFix()
    {
        // What an Interactive Server circuit holds: the reference as Blazor deserialized it from the component's marker.
        var received = JsonSerializer.Deserialize<ServerFunction<string, string>>("""{"id":"abc","captured":null}""", new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => received.InvokeAsync("Ada"));

        Assert.Contains("[UseClient(Auto = true)]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Inject the [UseServer] interface instead of taking a ServerFunction parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_OfTheWrongShape_IsRefusedWhenMade_NamingBothShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => { ServerFunction<int, string> wrong = ServerAction.Of(Greetings.Hello); });
        Assert.Contains("Greetings.Hello (after 0 captured value(s)) takes (String) and returns String", error.Message, StringComparison.Ordinal);
        Assert.Contains("expects a server function that takes (Int32) and returns String", error.Message, StringComparison.Ordinal);

        var tooMany = Assert.Throws<ArgumentException>(() => { ServerFunction<int, int, int> bound = ServerAction.Bind(Greetings.Add, 1); });
        Assert.Contains("takes (Int32)", tooMany.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_ForAFunctionWithoutResult_IsTypedWithObject()
    {
        ServerFunction<string, object?> fail = ServerAction.Of(new Accounts(new Ledger(), new ProductStore()).Fail);
        Assert.NotNull(fail);
    }

    [Fact]
    public void Parameter_WrittenOutsideARequest_FailsWithAClearError()
    {
        using var app = new TestAppFactory();
        _ = app.Services; // the host is built, but no request is being rendered
        ServerFunction<string, string> hello = ServerAction.Of(Greetings.Hello);

        var error = Assert.Throws<InvalidOperationException>(() => JsonSerializer.Serialize(hello));
        Assert.Contains("while a request is rendered", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, true, typeof(InteractiveWebAssemblyRenderMode), true)]
    [InlineData(false, false, typeof(InteractiveWebAssemblyRenderMode), false)]
    [InlineData(true, true, typeof(InteractiveAutoRenderMode), true)]
    [InlineData(true, false, typeof(InteractiveAutoRenderMode), false)]
    public void UseClient_IsBlazorsRenderMode_WebAssemblyWithPrerenderByDefault(bool auto, bool prerender, Type mode, bool prerenders)
    {
        var attribute = new UseClientAttribute { Auto = auto, Prerender = prerender };
        Assert.IsType(mode, attribute.Mode);
        Assert.Equal(prerenders, attribute.Mode switch
        {
            InteractiveWebAssemblyRenderMode m => m.Prerender,
            InteractiveAutoRenderMode m => m.Prerender,
            _ => throw new InvalidOperationException(),
        });
        Assert.True(new UseClientAttribute().Prerender);
        Assert.IsAssignableFrom<Microsoft.AspNetCore.Components.RenderModeAttribute>(attribute);
    }

    /// <summary>A request being rendered: the ambient HttpContext with the request's services, as while Blazor writes a page.</summary>
    private static IDisposable InRequest(TestAppFactory app)
    {
        var scope = app.Services.CreateScope();
        var accessor = new HttpContextAccessor { HttpContext = new DefaultHttpContext { RequestServices = scope.ServiceProvider } };
        return new Restore(scope, accessor);
    }

    private sealed class Restore(IServiceScope scope, HttpContextAccessor accessor) : IDisposable
    {
        public void Dispose()
        {
            accessor.HttpContext = null;
            scope.Dispose();
        }
    }
}
