using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Tags;

public sealed class RevalidatePathTests
{
    [Fact]
    public void ImplicitTags_OfARequest_FollowTheRouteTemplateAndThePath()
    {
        Assert.Equal(
            ["_N_T_/layout", "_N_T_/blog/layout", "_N_T_/blog/{slug}/page", "_N_T_/blog/hello"],
            ImplicitTags.ForRequest("/blog/{slug}", "/blog/hello"));
        Assert.Equal(["_N_T_/layout", "_N_T_/page", "_N_T_/", "_N_T_/index"], ImplicitTags.ForRequest("/", "/"));
    }

    [Theory]
    [InlineData("/product/1", null, "_N_T_/product/1")]
    [InlineData("/product/{id}", "page", "_N_T_/product/{id}/page")]
    [InlineData("/products", "layout", "_N_T_/products/layout")]
    [InlineData("/", "layout", "_N_T_/layout")]
    public void RevalidatePath_ExpiresTheTagOfThePathAndType(string path, string? type, string tag)
    {
        Assert.Equal(tag, ImplicitTags.ForRevalidatePath(path, type)[0]);
    }

    [Fact]
    public void RootAndIndex_ImplyEachOther()
    {
        Assert.Equal(["_N_T_/", "_N_T_/index"], ImplicitTags.ForRevalidatePath("/", null));
        Assert.Equal(["_N_T_/index", "_N_T_/"], ImplicitTags.ForRevalidatePath("/index", null));
    }

    [Theory]
    [InlineData("/product/1", null)]
    [InlineData("/product/{id}", "page")]
    [InlineData("/product", "layout")]
    [InlineData("/", "layout")]
    public async Task EntriesReadWhileRenderingAPath_AreExpiredByRevalidatePath(string path, string? type)
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id) => { await Task.Yield(); return calls.Next(); });
        var tags = ImplicitTags.ForRequest("/product/{id}", "/product/1");

        int first;
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: tags))
        {
            first = await get("1");
        }

        t.Advance(1);
        await RevalidatePath(path, type);
        t.Advance(1);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: tags))
        {
            Assert.NotEqual(first, await get("1"));
        }
    }

    [Fact]
    public async Task RevalidatePath_LeavesOtherPathsAlone()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id) => { await Task.Yield(); return calls.Next(); });

        int first;
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: ImplicitTags.ForRequest("/product/{id}", "/product/2")))
        {
            first = await get("2");
        }

        t.Advance(1);
        await RevalidatePath("/product/1");
        t.Advance(1);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, implicitTags: ImplicitTags.ForRequest("/product/{id}", "/product/2")))
        {
            Assert.Equal(first, await get("2"));
        }
    }

    [Fact]
    public async Task ADynamicPathWithoutAType_Warns()
    {
        using var t = new TestRuntime();

        await RevalidatePath("/product/{id}");

        Assert.Contains(t.Logs.Warnings, w => w.Contains("A dynamic page path \"/product/{id}\" was passed to \"RevalidatePath\", but the \"type\" parameter is missing", StringComparison.Ordinal));
    }
}
