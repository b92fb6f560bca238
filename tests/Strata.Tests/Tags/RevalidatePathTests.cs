using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Tags;

public sealed class RevalidatePathTests
{
    [Fact]
    public void ImplicitTags_OfARequest_AreTheLayoutOfEverySegmentThePageAndThePath_AsInNextJs()
    {
        // Next.js, route /blog/[slug] and path /blog/hello (reference §3.2).
        Assert.Equal(
            ["_N_T_/layout", "_N_T_/blog/layout", "_N_T_/blog/{slug}/layout", "_N_T_/blog/{slug}/page", "_N_T_/blog/hello"],
            ImplicitTags.ForRequest("/blog/{slug}", "/blog/hello"));
        Assert.Equal(["_N_T_/layout", "_N_T_/legacy/layout", "_N_T_/legacy/page", "_N_T_/legacy"], ImplicitTags.ForRequest("/legacy", "/legacy"));
        Assert.Equal(["_N_T_/layout", "_N_T_/page", "_N_T_/", "_N_T_/index"], ImplicitTags.ForRequest("/", "/"));
    }

    [Theory]
    [InlineData("/product/1", null, "_N_T_/product/1")]
    [InlineData("/product/{id}", "page", "_N_T_/product/{id}/page")]
    [InlineData("/products", "layout", "_N_T_/products/layout")]
    [InlineData("/blog/{slug}", "layout", "_N_T_/blog/{slug}/layout")]
    [InlineData("/", "layout", "_N_T_/layout")]
    [InlineData("/Product/1", null, "_N_T_/product/1")]
    [InlineData("/product/1/", null, "_N_T_/product/1")]
    [InlineData("product/1", null, "_N_T_/product/1")]
    [InlineData("/Product/{ID}", "page", "_N_T_/product/{id}/page")]
    [InlineData("", null, "_N_T_/")]
    public void RevalidatePath_ExpiresTheTagOfThePathAndType(string path, string? type, string tag)
    {
        Assert.Equal(tag, ImplicitTags.ForRevalidatePath(path, type)[0]);
    }

    [Theory]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog/{slug}", "layout")]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog/{slug}", "page")]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog", "layout")]
    [InlineData("/blog/{slug}", "/blog/hello", "/", "layout")]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog/hello", null)]
    [InlineData("/blog/{Slug}", "/Blog/Hello", "/blog/hello", null)]
    [InlineData("/blog/{slug}", "/blog/hello", "/BLOG/Hello/", null)]
    [InlineData("/Product/{Id}", "/product/1", "/product/{id}", "page")]
    [InlineData("/blog/{slug}", "/blog/héllo", "/blog/h%C3%A9llo", null)]
    [InlineData("/blog/{slug}", "/blog/h%41llo", "/blog/h%2541llo", null)]
    [InlineData("/blog/{slug}", "/blog/h%41llo", "/blog/h%41llo", null)]
    [InlineData("/files/{name}", "/files/a%2Fb", "/files/a%2fb", null)]
    [InlineData("/", "/", "/index", null)]
    public void RevalidatePath_ReachesTheRequestsItNames(string template, string path, string revalidated, string? type)
    {
        Assert.Contains(ImplicitTags.ForRevalidatePath(revalidated, type), ImplicitTags.ForRequest(template, path).Contains);
    }

    [Theory]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog/other", null)]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog/{slug}/hello", "layout")]
    [InlineData("/blog/{slug}", "/blog/hello", "/blo", "layout")]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog/{slug}", null)]
    [InlineData("/blog/{slug}", "/blog/hello", "/blog", "page")]
    public void RevalidatePath_LeavesTheRequestsItDoesNotName(string template, string path, string revalidated, string? type)
    {
        Assert.DoesNotContain(ImplicitTags.ForRevalidatePath(revalidated, type), ImplicitTags.ForRequest(template, path).Contains);
    }

    [Theory]
    [InlineData("/Product/1/", "/product/1")]
    [InlineData("product", "/product")]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("//", "/")]
    [InlineData("/Blog/{Slug}", "/blog/{slug}")]
    public void Canonical_IsLowerCaseWithOneLeadingAndNoTrailingSlash(string path, string expected) =>
        Assert.Equal(expected, ImplicitTags.Canonical(path));

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
