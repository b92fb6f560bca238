using Microsoft.CodeAnalysis.Diagnostics;
using Strata.Generators.Tests.Support;
using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.UseCacheDeclarationAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>STRATA001-007, 012-015, 017: the declaration of [UseCache] methods and classes. One positive and one negative case each.</summary>
public sealed class DeclarationAnalyzerTests
{
    private const string Db = "public sealed record Product(string Id); public class Db { public Task<Product> Find(string id) => Task.FromResult(new Product(id)); }\n";

    [Fact]
    public Task AsyncVirtualMethodOfPlainData_NoDiagnostic() => V.Analyzer(Db + """
        public class Catalog(Db db)
        {
            [UseCache] public virtual Task<Product> Get(string id, int page, Guid tenant, DateOnly day, string[] tags, List<int> ids, Dictionary<string, int> counts, CancellationToken ct) => db.Find(id);
            [UseCache] public virtual ValueTask<Product> GetValue(string id) => new(db.Find(id));
        }
        """);

    [Fact]
    public Task NotAsync_STRATA001() => V.Analyzer(Db + """
        public class Catalog
        {
            [UseCache] public virtual {|STRATA001:Product|} Get(string id) => new(id);
            [UseCache] public virtual {|STRATA001:Task|} Touch(string id) => Task.CompletedTask;
        }
        """);

    [Fact]
    public Task ClassForm_PublicMethodNotAsync_STRATA001() => V.Analyzer(Db + """
        [UseCache]
        public class Reports
        {
            public virtual {|STRATA001:int|} Count() => 1;
            public virtual Task<int> Total() => Task.FromResult(1);
            private int Helper() => 2;
            public override string ToString() => "reports";
        }
        """);

    [Fact]
    public Task NotVirtual_STRATA002() => V.Analyzer(Db + """
        public class Catalog(Db db)
        {
            [UseCache] public Task<Product> {|STRATA002:Get|}(string id) => db.Find(id);
        }
        """);

    [Fact]
    public Task Static_STRATA003() => V.Analyzer(Db + """
        public class Catalog
        {
            [UseCache] public static Task<Product> {|STRATA003:Get|}(string id) => Task.FromResult(new Product(id));
        }
        """);

    [Fact]
    public Task SealedClass_STRATA004() => V.Analyzer(Db + """
        public sealed class {|STRATA004:Catalog|}(Db db)
        {
            [UseCache] public virtual Task<Product> {|CS0549:Get|}(string id) => db.Find(id);
        }
        """);

    [Fact]
    public Task GenericMethodAndClass_STRATA005() => V.Analyzer(Db + """
        public class Catalog
        {
            [UseCache] public virtual Task<T> {|STRATA005:Get|}<T>(string id) => Task.FromResult(default(T)!);
        }
        public class Repository<T>
        {
            [UseCache] public virtual Task<int> Count(string id) => Task.FromResult(1);
        }
        """.Replace("public class Repository<T>", "public class {|STRATA005:Repository|}<T>"));

    [Fact]
    public Task RefOutInParameters_STRATA006() => V.Analyzer(Db + """
        public class Catalog
        {
            [UseCache] public virtual Task<int> A(ref int {|STRATA006:a|}) => Task.FromResult(a);
            [UseCache] public virtual Task<int> B(in int {|STRATA006:b|}) => Task.FromResult(b);
            [UseCache] public virtual Task<int> C(out int {|STRATA006:c|}) { c = 1; return Task.FromResult(c); }
        }
        """);

    [Fact]
    public Task ServicesStreamsAndStatefulClasses_STRATA007() => V.Analyzer(Db + """
        public class Service { private readonly int _state = 1; public int Get() => _state; }
        public record Filter(string Name, Stream Source);
        public interface IRepository { }
        public class Catalog
        {
            [UseCache] public virtual Task<int> A({|STRATA007:Stream|} s) => Task.FromResult(1);
            [UseCache] public virtual Task<int> B({|STRATA007:IServiceProvider|} sp) => Task.FromResult(1);
            [UseCache] public virtual Task<int> C({|STRATA007:Service|} service) => Task.FromResult(1);
            [UseCache] public virtual Task<int> D({|STRATA007:Filter|} filter) => Task.FromResult(1);
            [UseCache] public virtual Task<int> E({|STRATA007:IEnumerable<int>|} ids) => Task.FromResult(1);
            [UseCache] public virtual Task<int> F({|STRATA007:Microsoft.AspNetCore.Http.HttpContext|} context) => Task.FromResult(1);
            [UseCache] public virtual Task<int> G({|STRATA007:IRepository|} repository) => Task.FromResult(1);
            [UseCache] public virtual Task<int> H({|STRATA007:Task<int>|} pending) => Task.FromResult(1);
            [UseCache] public virtual Task<int> I({|STRATA007:System.Linq.IQueryable<int>|} query) => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task PlainDataAndPassThroughParameters_NoDiagnostic() => V.Analyzer(Db + """
        public enum Sort { Name, Price }
        public record Filter(string Name, Sort Sort, IReadOnlyList<string> Tags, Dictionary<string, int>? Counts);
        public class Page { public int Number { get; set; } public int Size; }
        public class Catalog
        {
            [UseCache] public virtual Task<int> A(Filter filter, Page page, Sort sort, byte[] bytes, ReadOnlyMemory<byte> memory, int? maybe, Uri uri, TimeSpan span, (int, string) pair) => Task.FromResult(1);
            [UseCache] public virtual Task<int> B(Func<int, string> format, Microsoft.AspNetCore.Components.RenderFragment child, Microsoft.AspNetCore.Components.RenderFragment<int> row, CancellationToken ct, object anything) => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task KindNearMiss_STRATA012() => V.Analyzer(Db + """
        public class Catalog
        {
            [UseCache({|STRATA012:"privte"|})] public virtual Task<int> A(string id) => Task.FromResult(1);
            [UseCache({|STRATA012:"Remote"|})] public virtual Task<int> B(string id) => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task KnownAndRegisteredKinds_NoDiagnostic() => V.Analyzer(Db + """
        public class Catalog
        {
            [UseCache("private")] public virtual Task<int> A(string id) => Task.FromResult(1);
            [UseCache("remote")] public virtual Task<int> B(string id) => Task.FromResult(1);
            [UseCache("product-catalog")] public virtual Task<int> C(string id) => Task.FromResult(1);
            [UseCache("remotes")] public virtual Task<int> D(string id) => Task.FromResult(1);
        }
        public static class Setup
        {
            public static void Configure(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
                Microsoft.Extensions.DependencyInjection.StrataServiceCollectionExtensions.AddCacheHandler(
                    Microsoft.Extensions.DependencyInjection.StrataServiceCollectionExtensions.AddStrata(services), "remotes", new MemoryCacheHandler());
        }
        """);

    [Fact]
    public Task InvalidKindName_STRATA013() => V.Analyzer(Db + """
        public class Catalog
        {
            [UseCache({|STRATA013:"Product_Catalog"|})] public virtual Task<int> A(string id) => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task UseCacheWithUseServer_STRATA014() => V.Analyzer(Db + """
        public class Actions
        {
            [UseCache, UseServer] public virtual Task<int> {|STRATA014:Save|}(string id) => Task.FromResult(1);
        }
        [UseCache, UseServer]
        public class {|STRATA014:Both|}
        {
            public virtual Task<int> Get(string id) => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task UseServerAlone_NoDiagnostic() => V.Analyzer(Db + """
        public class Actions
        {
            [UseServer] public virtual Task<int> Save(string id) => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task MutableResult_STRATA015Warning() => V.Analyzer(Db + """
        public class Item { public string Name { get; set; } = ""; }
        public class Catalog
        {
            [UseCache] public virtual Task<{|STRATA015:List<string>|}> A(string id) => Task.FromResult(new List<string>());
            [UseCache] public virtual Task<{|STRATA015:Item|}> B(string id) => Task.FromResult(new Item());
            [UseCache] public virtual Task<{|STRATA015:string[]|}> C(string id) => Task.FromResult(new string[0]);
        }
        """);

    [Fact]
    public Task ImmutableResult_NoDiagnostic() => V.Analyzer(Db + """
        public sealed record Item(string Name, int Count);
        public class Catalog
        {
            [UseCache] public virtual Task<Item> A(string id) => Task.FromResult(new Item(id, 1));
            [UseCache] public virtual Task<System.Collections.Immutable.ImmutableArray<Item>> B(string id) => Task.FromResult(System.Collections.Immutable.ImmutableArray<Item>.Empty);
            [UseCache] public virtual Task<int> C(string id) => Task.FromResult(1);
            [UseCache] public virtual Task<string?> D(string id) => Task.FromResult<string?>(null);
        }
        """);

    [Fact]
    public Task ClassThatCannotBeSubclassed_STRATA017() => V.Analyzer(Db + """
        public abstract class {|STRATA017:Base|}
        {
            [UseCache] public virtual Task<int> A(string id) => Task.FromResult(1);
        }
        public class Outer
        {
            private class {|STRATA017:Hidden|}
            {
                [UseCache] public virtual Task<int> A(string id) => Task.FromResult(1);
            }
        }
        public class {|STRATA017:Page|} : Microsoft.AspNetCore.Components.ComponentBase
        {
            [UseCache] public virtual Task<int> A(string id) => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task CachedRazorComponent_NoDiagnostic() => V.Analyzer(Db + """
        [UseCache]
        public class ProductCard : Microsoft.AspNetCore.Components.ComponentBase
        {
            [Microsoft.AspNetCore.Components.Parameter] public string Id { get; set; } = "";
            public void Refresh() { }
        }
        """);

    [Fact]
    public async Task UseCacheInGeneratedCode_IsReportedToo()
    {
        // What Razor makes of a [UseCache] method in a component's @code block: generated code, which Roslyn hides from
        // analyzers that do not ask for it.
        var compilation = Support.Compile.Create("// <auto-generated/>\n" + Support.Verify<UseCacheDeclarationAnalyzer>.Usings + """
            public partial class Card : Microsoft.AspNetCore.Components.ComponentBase
            {
                [UseCache] public virtual Task<int> Count(string id) => Task.FromResult(1);
            }
            """);

        var diagnostics = await compilation.WithAnalyzers([new UseCacheDeclarationAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        Assert.Equal("STRATA017", Assert.Single(diagnostics).Id);
    }
}
