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

    [Fact]
    public async Task UnknownProfileMessage_EndsWithTheSuggestionAsItsOwnSentence()
    {
        var diagnostic = await Single("""
            public class Catalog { [UseCache] public virtual Task<int> Get(string id) { CacheLife("hour"); return Task.FromResult(1); } }
            """);

        Assert.Equal("STRATA016", diagnostic.Id);
        Assert.EndsWith("otherwise it throws at run time. Did you mean \"hours\"?", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDiagnostic_LinksToItsDocsPage_WhichExists()
    {
        var descriptors = typeof(Descriptors).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor)).Select(f => (DiagnosticDescriptor)f.GetValue(null)!).ToList();
        var docs = Path.Combine(RepositoryRoot(), "docs", "diagnostics");

        Assert.NotEmpty(descriptors);
        foreach (var descriptor in descriptors)
        {
            Assert.Equal(Descriptors.HelpBase + descriptor.Id + ".md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(docs, descriptor.Id + ".md")), $"{descriptor.Id} has no page in docs/diagnostics/");
            Assert.DoesNotContain("nextjs.org", descriptor.HelpLinkUri, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Strata.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Strata.slnx not found above " + AppContext.BaseDirectory);
    }

    private static async Task<Diagnostic> Single(string source) => Assert.Single(await V.Diagnostics(source));

    /// <summary>The engine's text from the first period on: what follows "Route /r used `X` inside [UseCache]".</summary>
    private static string AfterRoute(string text) => text[(text.IndexOf("inside", StringComparison.Ordinal) + "inside".Length)..];
}
