using Microsoft.AspNetCore.Components;
using Strata.AspNetCore.Components;

namespace Strata.AspNetCore.Tests;

/// <summary>The run-time check of values given to a component that runs in the browser (the texts of STRATA050-053).</summary>
public sealed class ClientPropsTests
{
    public sealed record Item(string Name, decimal Price, List<string> Tags);

    public sealed class GetOnly
    {
        public GetOnly()
        {
        }

        public GetOnly(string name) => Name = name;

        public string Name { get; } = "";
    }

    public sealed class Node
    {
        public string Name { get; set; } = "";

        public Node? Next { get; set; }
    }

    [Fact]
    public void PlainData_IsWrittenAsJson_AndReadBackEqual()
    {
        var item = new Item("tea", 2.5m, ["hot"]);

        var json = ClientProps.Write("Counter", "Item", item);
        var back = (Item)ClientProps.Read(json, typeof(Item))!;

        Assert.Equal("""{"name":"tea","price":2.5,"tags":["hot"]}""", json);
        Assert.Equal((item.Name, item.Price), (back.Name, back.Price));
        Assert.Equal(item.Tags, back.Tags);
        Assert.Null(ClientProps.Write("Counter", "Item", null));
    }

    [Theory]
    [InlineData("delegate", "Functions cannot be passed directly to Client Components unless you explicitly expose it by marking it with [UseServer]. Parameter 'Value' of the client component Counter receives an Action, which is a function that runs on the server")]
    [InlineData("event-callback", "Functions cannot be passed directly to Client Components unless you explicitly expose it by marking it with [UseServer]. Parameter 'Value' of the client component Counter receives an EventCallback, which calls back into code that runs on the server")]
    [InlineData("fragment", "Parameter 'Value' of the client component Counter receives a RenderFragment, which is rendered content (a RenderFragment)")]
    [InlineData("service", "Parameter 'Value' of the client component Counter receives a ServiceProvider, which is a service or request state, not data. Only data crosses to the browser")]
    [InlineData("stream", "Parameter 'Value' of the client component Counter receives a MemoryStream, which is a stream, which JSON cannot write")]
    [InlineData("type", "Parameter 'Value' of the client component Counter receives a RuntimeType, which is a reflection object")]
    [InlineData("get-only", "Parameter 'Value' of the client component Counter receives a GetOnly, which does not read back from JSON as the same value: it is written as {\"name\":\"tea\"} and read back as {\"name\":\"\"}")]
    [InlineData("cycle", "Parameter 'Value' of the client component Counter receives a Node, which cannot be written or read as JSON: A possible object cycle was detected")]
    public void ValueThatCannotCross_IsRefused_WithTheAnalyzerText(string kind, string expected)
    {
        var cycle = new Node { Name = "a" };
        cycle.Next = cycle;
        object value = kind switch
        {
            "delegate" => new Action(() => { }),
            "event-callback" => EventCallback.Empty,
            "fragment" => (RenderFragment)(_ => { }),
            "service" => new Microsoft.Extensions.DependencyInjection.ServiceCollection().BuildServiceProvider(),
            "stream" => new MemoryStream(),
            "type" => typeof(Item),
            "get-only" => new GetOnly("tea"),
            _ => cycle,
        };

        var error = Assert.Throws<ClientPropException>(() => ClientProps.Write("Counter", "Value", value));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}

/// <summary>What a cached component keeps of an interactive child (<see cref="CachedClient.Capture"/>).</summary>
public sealed class CachedClientTests
{
    private sealed class Child : ComponentBase
    {
        [Parameter] public object? Action { get; set; }
    }

    [Fact]
    public void ServerFunctionReferenceWithoutCapturedValues_IsKept()
    {
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { ["Action"] = new Strata.Client.ServerFunctionProbe { Id = "a1" } });

        var kept = CachedClient.Capture(typeof(Child), Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveWebAssembly, parameters, "Shelf", "default");

        Assert.Equal("""{"id":"a1","captured":null}""", Assert.Single(kept.Parameters).Json);
        Assert.Equal(("WebAssembly", true, false), (kept.Mode, kept.Prerender, kept.FixedMode));
    }

    [Fact]
    public void ServerFunctionReferenceWithCapturedValues_IsRefused_BecauseItsPayloadExpires()
    {
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { ["Action"] = new Strata.Client.ServerFunctionProbe { Id = "a1", Captured = "protected" } });

        var error = Assert.Throws<InvalidOperationException>(() => CachedClient.Capture(typeof(Child), Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveWebAssembly, parameters, "Shelf", "default"));

        Assert.StartsWith("[UseCache] component Shelf passes a server function with captured values (ServerAction.Bind) to parameter 'Action' of the client component Child.", error.Message, StringComparison.Ordinal);
    }
}
