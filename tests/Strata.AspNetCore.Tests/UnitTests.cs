using System.Buffers;
using Strata.AspNetCore.Components;
using Strata.AspNetCore.Http;

namespace Strata.AspNetCore.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("/product/{id:int}", "/product/{id}")]
    [InlineData("product/{id}", "/product/{id}")]
    [InlineData("/files/{**path}", "/files/{*path}")]
    [InlineData("/blog/{slug?}", "/blog/{slug}")]
    [InlineData("/shop/{page=1}/", "/shop/{page}")]
    [InlineData("/", "/")]
    public void RouteTemplate_LosesConstraintsDefaultsAndOptionalMarkers(string template, string expected) =>
        Assert.Equal(expected, RouteTemplates.Normalize(template));

    [Fact]
    public void CachedHtml_CutsTheHtmlAtTheHoleMarkers()
    {
        var markers = new HoleMarkers();
        var html = "<div>" + markers.For(1) + "<p>cached</p>" + markers.For(0) + "</div>";

        var cut = CachedHtml.Parse(html, markers, ["ChildContent", "Header"]);

        Assert.Equal(new[] { "<div>", "<p>cached</p>", "</div>" }, cut.Segments.ToArray());
        Assert.Equal(new[] { "Header", "ChildContent" }, cut.Holes.ToArray());
    }

    [Fact]
    public void CachedHtml_IgnoresMarkersOfAnotherFill()
    {
        var mine = new HoleMarkers();
        var other = new HoleMarkers();
        var html = "<div>" + other.For(0) + "</div>";

        var cut = CachedHtml.Parse(html, mine, ["ChildContent"]);

        Assert.Equal(new[] { html }, cut.Segments.ToArray());
        Assert.Empty(cut.Holes);
    }

    [Fact]
    public void CachedHtml_RoundTripsThroughTheSerializer_ForRemoteHandlers()
    {
        var serializer = new JsonCacheSerializer();
        var value = new CachedHtml(["<a>", "</a>"], ["ChildContent"]);
        var buffer = new ArrayBufferWriter<byte>();

        serializer.Serialize(value, buffer);
        var back = serializer.Deserialize<CachedHtml>(buffer.WrittenSpan);

        Assert.Equal(value.Segments.ToArray(), back.Segments.ToArray());
        Assert.Equal(value.Holes.ToArray(), back.Holes.ToArray());
    }
}
