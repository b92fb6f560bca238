using Microsoft.CodeAnalysis;
using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.CacheScopeAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>The analyzers say what the engine says at run time (src/Strata/Diagnostics/ErrorMessages.cs), so the texts stay one.</summary>
public sealed class MessageTests
{
    [Theory]
    [InlineData("Cookies()")]
    [InlineData("Headers()")]
    [InlineData("SearchParams()")]
    public async Task RequestDataMessage_EndsWithTheEngineText(string api)
    {
        var diagnostic = await Single($$"""
            public class Catalog { [UseCache] public virtual Task<string> Get(string id) => Task.FromResult({{api}}.Count.ToString()); }
            """);
        var engine = api == "SearchParams()" ? ErrorMessages.SearchParamsInCache("/r", "default") : ErrorMessages.RequestDataInCache(api, "/r", "default");

        Assert.Equal("STRATA008", diagnostic.Id);
        Assert.EndsWith(AfterRoute(engine), diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("private")]
    public async Task ConnectionMessage_EndsWithTheEngineText(string kind)
    {
        var diagnostic = await Single($$"""
            public class Catalog { [UseCache("{{kind}}")] public virtual async Task<int> Get(string id) { await Connection(); return 1; } }
            """);
        var engine = kind == "private" ? ErrorMessages.ConnectionInPrivateCache("/r") : ErrorMessages.ConnectionInCache("/r", kind);

        Assert.Equal("STRATA009", diagnostic.Id);
        Assert.EndsWith(AfterRoute(engine), diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevalidationMessage_StartsLikeTheEngineText()
    {
        var diagnostic = await Single("""
            public class Catalog { [UseCache] public virtual async Task<int> Get(string id) { await UpdateTag("products"); return 1; } }
            """);
        var engine = ErrorMessages.RevalidateInCache("UpdateTag products", "/r", "default");

        Assert.Equal("STRATA010", diagnostic.Id);
        var shared = AfterRoute(engine)[..AfterRoute(engine).IndexOf("it must always happen outside of renders and cached functions.", StringComparison.Ordinal)];
        Assert.Contains(shared, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    private static async Task<Diagnostic> Single(string source) => Assert.Single(await V.Diagnostics(source));

    /// <summary>The engine's text from the first period on: what follows "Route /r used `X` inside [UseCache]".</summary>
    private static string AfterRoute(string text) => text[(text.IndexOf("inside", StringComparison.Ordinal) + "inside".Length)..];
}
