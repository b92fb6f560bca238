using System.Buffers;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Tests.Support;
using Strata.AspNetCore.Components;
using Strata.AspNetCore.Http;

namespace Strata.AspNetCore.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("/product/{id:int}", "/product/{id}")]
    [InlineData("/product/{Id:int:min(1)}", "/product/{Id}")]
    [InlineData("product/{id}", "/product/{id}")]
    [InlineData("/files/{**path}", "/files/{path}")]
    [InlineData("/files/{*path}", "/files/{path}")]
    [InlineData("/blog/{slug?}", "/blog/{slug}")]
    [InlineData("/shop/{page=1}/", "/shop/{page}")]
    [InlineData("/code/{code:regex(^\\d{{3}}$)}", "/code/{code}")]
    [InlineData("/code/{code:regex(^[[a-z]]{{2,3}}$)}/x", "/code/{code}/x")]
    [InlineData("/files/{name}.{ext?}", "/files/{name}.{ext}")]
    [InlineData("/a{{b}}", "/a{{b}}")]
    [InlineData("/", "/")]
    public void RouteTemplate_LeavesOutConstraintsDefaultsOptionalAndCatchAllMarkers(string template, string expected)
    {
        Assert.Equal(expected, RouteTemplates.Of(Endpoint(template)));
        Assert.Equal(expected, Resolver().Resolve(template, "page"));
    }

    [Theory]
    [InlineData("/product/{Id:int}", "/product/1", "/product/{id}", "page")]
    [InlineData("/product/{Id:int}", "/product/1", "/product/{Id:int}", "page")]
    [InlineData("/product/{Id:int}", "/product/1", "/Product/{ID}/", "page")]
    [InlineData("/product/{id}", "/product/1", "/product/{id:int}", "page")]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog/{slug}", "layout")]
    [InlineData("/blog/{slug:regex(^[[a-z]]+$)}", "/blog/hello", "/blog/{slug}", "layout")]
    [InlineData("/code/{code:regex(^\\d{{3}}$)}", "/code/123", "/code/{code}", "page")]
    [InlineData("/code/{code:regex(^\\d{{3}}$)}", "/code/123", "/code/{code:regex(^\\d{{3}}$)}", "page")]
    [InlineData("/files/{**path}", "/files/a/b", "/files/{path}", "page")]
    [InlineData("/files/{**path}", "/files/a/b", "/files/{*path}", "page")]
    public void RevalidatePathOfATemplate_ReachesTheRequestsOfTheRoute_HoweverTheTemplateIsWritten(string route, string path, string template, string type)
    {
        var requestTags = ImplicitTags.ForRequest(RouteTemplates.Of(Endpoint(route))!, path);

        var expired = ImplicitTags.ForRevalidatePath(Resolver().Resolve(template, type), type);

        Assert.Contains(expired, requestTags.Contains);
    }

    [Fact]
    public void RevalidatePathOfATemplateThatMatchesNoRoute_Warns()
    {
        var logs = new LogSink();
        var resolver = Resolver(logs, Endpoint("/product/{id:int}"), Endpoint("/blog/{slug}"));

        resolver.Resolve("/product/{id}", "page");
        resolver.Resolve("/blog", "layout");
        Assert.Empty(logs.Warnings);

        resolver.Resolve("/products/{id}", "page");
        Assert.Equal(
            "RevalidatePath(\"/products/{id}\", \"page\") matches no route of this application, so it expires nothing. Pass the route template of a page (constraints may be left out), or a path without a type. Pages: /product/{id}, /blog/{slug}",
            Assert.Single(logs.Warnings));
    }

    [Theory]
    [InlineData(typeof(LoadsData), true)]
    [InlineData(typeof(LoadsDataLater), true)]
    [InlineData(typeof(DerivesFromOneThatLoadsData), true)]
    [InlineData(typeof(LoadsNothing), false)]
    [InlineData(typeof(Microsoft.AspNetCore.Components.Forms.EditForm), false)]
    [InlineData(typeof(Microsoft.AspNetCore.Components.Routing.Router), false)]
    [InlineData(typeof(NotAComponentBase), false)]
    public void AfterAFormPost_OnlyTheApplicationsComponentsThatLoadInTheirLifecycle_RunItAgain(Type type, bool expected) =>
        Assert.Equal(expected, ComponentLifecycle.CanRunAgain(type));

    [Theory]
    [InlineData("save", typeof(BindsAnyForm), true)]
    [InlineData("save", typeof(BindsTheSaveForm), true)]
    [InlineData("delete", typeof(BindsTheSaveForm), false)]
    [InlineData("save", typeof(LoadsData), false)]
    [InlineData("", typeof(BindsAnyForm), false)]
    public void TheComponentsThatReceiveThePostedForm_AreTheOnesThatBindIt(string posted, Type type, bool expected) =>
        Assert.Equal(expected, ComponentTypeInfo.Get(type).ReceivesForm(posted));

    [Fact]
    public async Task RunningTheLifecycleAgain_CallsTheOverrides_InBlazorsOrder()
    {
        var component = new LoadsData();

        await Assert.ThrowsAsync<InvalidOperationException>(() => ComponentLifecycle.RunAgainAsync(component)); // renders at the end: needs a render handle

        Assert.Equal(["OnInitialized", "OnInitializedAsync", "OnParametersSet", "OnParametersSetAsync"], component.Calls);
    }

    private static RouteEndpoint Endpoint(string template) =>
        new(_ => Task.CompletedTask, RoutePatternFactory.Parse(template), 0, new EndpointMetadataCollection(new ComponentTypeMetadata(typeof(TestApp.Pages.Plain))), template);

    private static RouteTemplates Resolver(LogSink? logs = null, params Endpoint[] endpoints)
    {
        var services = new ServiceCollection()
            .AddSingleton<EndpointDataSource>(new DefaultEndpointDataSource(endpoints))
            .BuildServiceProvider();
        return new RouteTemplates(services, new LogSink.Logger<RouteTemplates>(logs ?? new LogSink()));
    }

    [Fact]
    public void CachedHtml_CutsTheHtmlAtTheHoleMarkers()
    {
        var fill = new FillHoles(["ChildContent", "Header"]);
        var html = "<div>" + fill.Markers.For(1) + "<p>cached</p>" + fill.Markers.For(0) + "</div>";

        var cut = CachedHtml.Parse(html, fill);

        Assert.Equal(new[] { "<div>", "<p>cached</p>", "</div>" }, cut.Segments.ToArray());
        Assert.Equal(new[] { "Header", "ChildContent" }, cut.Holes.ToArray());
    }

    [Fact]
    public void CachedHtml_IgnoresMarkersOfAnotherFill()
    {
        var mine = new FillHoles(["ChildContent"]);
        var other = new FillHoles(["ChildContent"]);
        var html = "<div>" + other.Markers.For(0) + "</div>";

        var cut = CachedHtml.Parse(html, mine);

        Assert.Equal(new[] { html }, cut.Segments.ToArray());
        Assert.Empty(cut.Holes);
    }

    [Fact]
    public void CachedHtml_RoundTripsThroughTheSerializer_ForRemoteHandlers()
    {
        var serializer = new JsonCacheSerializer();
        var value = new CachedHtml(["<a>", "</a>"], ["ChildContent"], []);
        var buffer = new ArrayBufferWriter<byte>();

        serializer.Serialize(value, buffer);
        var back = serializer.Deserialize<CachedHtml>(buffer.WrittenSpan);

        Assert.Equal(value.Segments.ToArray(), back.Segments.ToArray());
        Assert.Equal(value.Holes.ToArray(), back.Holes.ToArray());
        Assert.Empty(back.Clients);
    }

    [Fact]
    public void CachedHtml_WithAClientComponent_RoundTripsThroughTheSerializer_ForRemoteHandlers()
    {
        var serializer = new JsonCacheSerializer();
        var fill = new FillHoles(["ChildContent"]);
        var client = new CachedClient("App.Counter, App", "WebAssembly", prerender: true, fixedMode: false, [new CachedClientParameter("Start", typeof(int).AssemblyQualifiedName, "3"), new CachedClientParameter("Label", null, null)]);
        var hole = fill.SetClient(null, "Counter", client);
        var value = CachedHtml.Parse("<div>" + fill.Markers.For(hole) + "</div>", fill);
        var buffer = new ArrayBufferWriter<byte>();

        serializer.Serialize(value, buffer);
        var back = serializer.Deserialize<CachedHtml>(buffer.WrittenSpan);

        Assert.Equal(new[] { "<div>", "</div>" }, back.Segments.ToArray());
        var kept = Assert.IsType<CachedClient>(back.ClientAt(0));
        Assert.Equal(("App.Counter, App", "WebAssembly", true, false), (kept.Type, kept.Mode, kept.Prerender, kept.FixedMode));
        Assert.Equal(new[] { ("Start", "3"), ("Label", (string?)null) }, kept.Parameters.Select(p => (p.Name, p.Json)).ToArray());
    }

    private sealed class LoadsData : ComponentBase
    {
        public List<string> Calls { get; } = [];

        protected override void OnInitialized() => Calls.Add(nameof(OnInitialized));

        protected override Task OnInitializedAsync()
        {
            Calls.Add(nameof(OnInitializedAsync));
            return Task.CompletedTask;
        }

        protected override void OnParametersSet() => Calls.Add(nameof(OnParametersSet));

        protected override Task OnParametersSetAsync()
        {
            Calls.Add(nameof(OnParametersSetAsync));
            return Task.CompletedTask;
        }
    }

    private class LoadsDataLater : ComponentBase
    {
        protected override Task OnParametersSetAsync() => Task.CompletedTask;
    }

    private sealed class DerivesFromOneThatLoadsData : LoadsDataLater;

    private sealed class LoadsNothing : ComponentBase;

    private sealed class NotAComponentBase : IComponent
    {
        public void Attach(RenderHandle renderHandle)
        {
        }

        public Task SetParametersAsync(ParameterView parameters) => Task.CompletedTask;
    }

    private sealed class BindsAnyForm : ComponentBase
    {
        [SupplyParameterFromForm] public string? Name { get; set; }
    }

    private sealed class BindsTheSaveForm : ComponentBase
    {
        [SupplyParameterFromForm(FormName = "save")] public string? Name { get; set; }
    }
}
