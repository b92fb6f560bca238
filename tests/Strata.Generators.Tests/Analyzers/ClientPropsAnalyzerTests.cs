using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.ClientPropsAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>
/// STRATA050-054: values that cannot cross into a client component. The use sites are written as Razor writes them
/// (OpenComponent, AddComponentParameter/AddAttribute, AddComponentRenderMode, CloseComponent); ClientPropsRazorTests runs
/// the analyzer over real Razor output.
/// </summary>
public sealed class ClientPropsAnalyzerTests
{
    /// <summary>[UseClient] as Strata.Client declares it (matched by metadata name), a client counter, a server-function type and some data.</summary>
    private const string Setup = """
        namespace Strata
        {
            public sealed class UseClientAttribute : Microsoft.AspNetCore.Components.RenderModeAttribute
            {
                public override Microsoft.AspNetCore.Components.IComponentRenderMode Mode => Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveWebAssembly;
            }
        }
        namespace Strata.Client
        {
            public sealed class ServerFunction<TResult> { public string Id { get; set; } = ""; }
        }
        namespace App
        {
            using Microsoft.AspNetCore.Components;
            using Microsoft.AspNetCore.Components.Rendering;
            using Microsoft.AspNetCore.Components.Web;
            using Microsoft.AspNetCore.Components.CompilerServices;

            public sealed record Product(string Id, decimal Price, List<string> Tags);
            public sealed class Basket { public List<Product> Items { get; set; } = new(); public int Count => Items.Count; }
            public sealed class Sealed { private Sealed(int id) { Id = id; } public int Id { get; } }
            public sealed class Frozen { public Frozen() { } public string Name { get; } = ""; }
            public interface IProductStore { Product Find(string id); }
            public sealed class Node { public string Name { get; set; } = ""; public Func<int>? OnVisit { get; set; } }

            [UseClient]
            public class Counter : ComponentBase
            {
                [Parameter] public object? Value { get; set; }
            }

            public class Plain : ComponentBase
            {
                [Parameter] public object? Value { get; set; }
            }

        """;

    private const string End = "\n}\n";

    private static Task Page(string body) => V.Analyzer(Setup + $$"""
            public class Page : ComponentBase
            {
                private void Save() { }
                private Task Load() => Task.CompletedTask;
                protected override void BuildRenderTree(RenderTreeBuilder __builder)
                {
                    {{body}}
                }
            }
        """ + End);

    [Fact]
    public Task PlainData_ToClientComponent_NoDiagnostic() => Page("""
        __builder.OpenComponent<Counter>(0);
        __builder.AddComponentParameter(1, nameof(Counter.Value), (object)new Product("p", 1m, new List<string>()));
        __builder.CloseComponent();
        __builder.OpenComponent<Counter>(2);
        __builder.AddComponentParameter(3, nameof(Counter.Value), RuntimeHelpers.TypeCheck<int[]>(new[] { 1, 2 }));
        __builder.AddComponentParameter(4, nameof(Counter.Value), (object)new Basket());
        __builder.AddComponentParameter(5, nameof(Counter.Value), (object)new Dictionary<string, Product>());
        __builder.AddComponentParameter(6, nameof(Counter.Value), (object)new Strata.Client.ServerFunction<int>());
        __builder.CloseComponent();
        """);

    [Fact]
    public Task Delegate_ToClientComponent_STRATA050() => Page("""
        __builder.OpenComponent<Counter>(0);
        __builder.AddComponentParameter(1, "Value", {|STRATA050:(Action)Save|});
        __builder.AddComponentParameter(2, "Value", {|STRATA050:(Func<int>)(() => 1)|});
        __builder.CloseComponent();
        """);

    [Fact]
    public Task EventCallback_ToClientComponent_STRATA050() => Page("""
        __builder.OpenComponent<Counter>(0);
        __builder.AddComponentParameter(1, "Value", {|STRATA050:RuntimeHelpers.TypeCheck<EventCallback>(EventCallback.Factory.Create(this, Save))|});
        __builder.AddComponentParameter(2, "Value", {|STRATA050:RuntimeHelpers.TypeCheck<EventCallback<MouseEventArgs>>(EventCallback.Factory.Create<MouseEventArgs>(this, Load))|});
        __builder.CloseComponent();
        """);

    [Fact]
    public Task ChildContent_ToClientComponent_STRATA051() => Page("""
        __builder.OpenComponent<Counter>(0);
        __builder.AddAttribute(1, "ChildContent", {|STRATA051:(RenderFragment)((__builder2) => { __builder2.AddMarkupContent(2, "<b>static</b>"); })|});
        __builder.CloseComponent();
        """);

    [Fact]
    public Task Service_ToClientComponent_STRATA052() => Page("""
        __builder.OpenComponent<Counter>(0);
        __builder.AddComponentParameter(1, "Value", {|STRATA052:(object)default(IProductStore)!|});
        __builder.AddComponentParameter(2, "Value", {|STRATA052:(object)default(IServiceProvider)!|});
        __builder.CloseComponent();
        """);

    [Fact]
    public Task ValuesThatDoNotRoundTrip_ToClientComponent_STRATA053() => Page("""
        __builder.OpenComponent<Counter>(0);
        __builder.AddComponentParameter(1, "Value", {|STRATA053:(object)new MemoryStream()|});
        __builder.AddComponentParameter(2, "Value", {|STRATA053:(object)typeof(Product)|});
        __builder.AddComponentParameter(3, "Value", {|STRATA053:(object)IntPtr.Zero|});
        __builder.AddComponentParameter(4, "Value", {|STRATA053:(object)default(Sealed)!|});
        __builder.AddComponentParameter(5, "Value", {|STRATA053:(object)new Frozen()|});
        __builder.AddComponentParameter(6, "Value", {|STRATA050:(object)new Node()|});
        __builder.CloseComponent();
        """);

    [Fact]
    public Task ClientRenderModeAtTheUseSite_MakesAnyComponentAClientComponent() => Page("""
        __builder.OpenComponent<Plain>(0);
        __builder.AddComponentParameter(1, "Value", {|STRATA050:(Action)Save|});
        __builder.AddComponentRenderMode(RenderMode.InteractiveWebAssembly);
        __builder.CloseComponent();
        __builder.OpenComponent<Plain>(2);
        __builder.AddComponentParameter(3, "Value", {|STRATA050:(Action)Save|});
        __builder.AddComponentRenderMode(new InteractiveAutoRenderMode(prerender: false));
        __builder.CloseComponent();
        """);

    [Fact]
    public Task ServerComponentsAndServerRenderMode_NoDiagnostic() => Page("""
        __builder.OpenComponent<Plain>(0);
        __builder.AddComponentParameter(1, "Value", (Action)Save);
        __builder.CloseComponent();
        __builder.OpenComponent<Plain>(2);
        __builder.AddComponentParameter(3, "Value", (Action)Save);
        __builder.AddComponentRenderMode(RenderMode.InteractiveServer);
        __builder.CloseComponent();
        __builder.OpenElement(4, "button");
        __builder.AddAttribute(5, "onclick", EventCallback.Factory.Create<MouseEventArgs>(this, Save));
        __builder.CloseElement();
        """);

    [Fact]
    public Task ChildContentOfAServerComponent_IsCheckedOnItsOwnBuilder() => Page("""
        __builder.OpenComponent<Plain>(0);
        __builder.AddAttribute(1, "ChildContent", (RenderFragment)((__builder2) => {
            __builder2.OpenComponent<Counter>(2);
            __builder2.AddComponentParameter(3, "Value", {|STRATA050:(Action)Save|});
            __builder2.CloseComponent();
        }));
        __builder.AddComponentParameter(4, "Value", (Action)Save);
        __builder.CloseComponent();
        """);

    [Fact]
    public Task ClientComponentRenderingClientComponents_NoDiagnostic_NothingCrosses() => V.Analyzer(Setup + """
            [UseClient]
            public class Panel : ComponentBase
            {
                private void Save() { }
                protected override void BuildRenderTree(RenderTreeBuilder __builder)
                {
                    __builder.OpenComponent<Counter>(0);
                    __builder.AddComponentParameter(1, "Value", (Action)Save);
                    __builder.CloseComponent();
                    __builder.OpenComponent<Plain>(2);
                    __builder.AddComponentParameter(3, "Value", (Action)Save);
                    __builder.AddComponentRenderMode(RenderMode.InteractiveWebAssembly);
                    __builder.CloseComponent();
                }
            }
        """ + End);

    [Fact]
    public Task RenderModeOnTheClass_MakesItAClientComponent() => V.Analyzer(Setup + """
            [Sample]
            public class Wasm : ComponentBase { [Parameter] public object? Value { get; set; } }
            public sealed class SampleAttribute : RenderModeAttribute { public override IComponentRenderMode Mode => RenderMode.InteractiveWebAssembly; }
            public sealed class ServerOnlyAttribute : RenderModeAttribute { public override IComponentRenderMode Mode => RenderMode.InteractiveServer; }
            [ServerOnly]
            public class Live : ComponentBase { [Parameter] public object? Value { get; set; } }
            public class Page : ComponentBase
            {
                private void Save() { }
                protected override void BuildRenderTree(RenderTreeBuilder __builder)
                {
                    __builder.OpenComponent(0, typeof(Wasm));
                    __builder.AddComponentParameter(1, "Value", {|STRATA050:(Action)Save|});
                    __builder.CloseComponent();
                    __builder.OpenComponent<Live>(2);
                    __builder.AddComponentParameter(3, "Value", (Action)Save);
                    __builder.CloseComponent();
                }
            }
        """ + End);

    [Fact]
    public Task ParameterTypesThatCanNeverCross_STRATA054() => V.Analyzer(Setup + """
            [UseClient]
            public class Editor : ComponentBase
            {
                [Parameter] public Func<Task>? {|STRATA054:OnSave|} { get; set; }
                [Parameter] public EventCallback<int> {|STRATA054:OnChange|} { get; set; }
                [Parameter] public RenderFragment<Product>? {|STRATA054:Row|} { get; set; }
                [Parameter] public IProductStore? {|STRATA054:Store|} { get; set; }
                [Parameter] public Stream? {|STRATA054:Body|} { get; set; }
                [Parameter] public Product? Product { get; set; }
                [Parameter] public Strata.Client.ServerFunction<Product>? Update { get; set; }
                [Parameter] public object? Anything { get; set; }
                public Func<Task>? NotAParameter { get; set; }
            }
            public class ServerEditor : ComponentBase
            {
                [Parameter] public Func<Task>? OnSave { get; set; }
            }
        """ + End);

    [Fact]
    public async Task FunctionMessage_IsNextJsAdaptedAndNamesParameterComponentAndFix()
    {
        var diagnostics = await V.Diagnostics(Setup + """
                public class Page : ComponentBase
                {
                    private void Save() { }
                    protected override void BuildRenderTree(RenderTreeBuilder __builder)
                    {
                        __builder.OpenComponent<Counter>(0);
                        __builder.AddComponentParameter(1, "value", (Action)Save);
                        __builder.CloseComponent();
                    }
                }
            """ + End);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "Functions cannot be passed directly to Client Components unless you explicitly expose it by marking it with [UseServer]. " +
            "Parameter 'Value' of the client component Counter receives an Action, which is a function that runs on the server and cannot be sent to the browser. " +
            "Declare the parameter as a server function reference (ServerFunction<TResult> or one of its siblings) and pass a [UseServer] method or an inline server function with ServerAction.Of(...), or move the code into the client component.",
            diagnostic.GetMessage());
    }
}
