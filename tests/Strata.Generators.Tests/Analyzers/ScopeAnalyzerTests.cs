using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.CacheScopeAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>STRATA008-011 and 016: what runs inside (and outside) cached functions.</summary>
public sealed class ScopeAnalyzerTests
{
    [Fact]
    public Task RequestApisInPublicCache_STRATA008() => V.Analyzer("""
        public class Catalog
        {
            [UseCache]
            public virtual async Task<string> Get(string id)
            {
                var theme = {|STRATA008:Cookies()|}["theme"];
                var agent = {|STRATA008:Headers()|}["user-agent"];
                var sort = {|STRATA008:SearchParams()|}["sort"];
                await Task.Yield();
                return theme + agent + sort;
            }
        }
        """);

    [Fact]
    public Task HttpContextAndAccessorInPublicCache_STRATA008() => V.Analyzer("""
        using Microsoft.AspNetCore.Http;
        public class Catalog(IHttpContextAccessor accessor)
        {
            [UseCache]
            public virtual Task<string> Get(string id) => Task.FromResult({|STRATA008:accessor.HttpContext|}!.Request.Path.Value ?? "");

            [UseCache("remote")]
            public virtual Task<string> User(HttpContext {|STRATA007:context|}) => Task.FromResult({|STRATA008:context.TraceIdentifier|});
        }
        """.Replace("{|STRATA007:context|}", "context"));

    [Fact]
    public Task SupplyParameterFromQueryInCachedComponent_STRATA008() => V.Analyzer("""
        using Microsoft.AspNetCore.Components;
        [UseCache]
        public class Results : ComponentBase
        {
            [SupplyParameterFromQuery] public string? Sort { get; set; }
            protected override void OnInitialized() => Console.WriteLine({|STRATA008:Sort|});
        }
        """);

    [Fact]
    public Task RequestApisInPrivateCacheOrOutsideCaches_NoDiagnostic() => V.Analyzer("""
        public class Catalog
        {
            [UseCache("private")]
            public virtual Task<string> Get(string id) => Task.FromResult(Cookies()["theme"] + Headers()["accept"] + SearchParams()["q"]);

            public string Theme() => Cookies()["theme"];
        }
        """);

    [Fact]
    public Task ConnectionInPublicAndPrivateCaches_STRATA009() => V.Analyzer("""
        public class Catalog
        {
            [UseCache]
            public virtual async Task<int> A(string id) { await {|STRATA009:Connection()|}; return 1; }

            [UseCache("private")]
            public virtual async Task<int> B(string id) { await {|STRATA009:Connection()|}; return 1; }

            public async Task<int> C(string id) { await Connection(); return 1; }
        }
        """);

    [Fact]
    public Task PrivateInsidePublicCaches_STRATA060() => V.Analyzer("""
        public class Catalog
        {
            [UseCache("private")]
            public virtual async Task<int> Mine(string id) { await Task.Yield(); return 1; }

            [UseCache]
            public virtual async Task<int> A(string id) => await {|STRATA060:Mine(id)|};

            [UseCache("remote")]
            public virtual async Task<int> B(string id) => await {|STRATA060:Mine(id)|};

            [UseCache("private")]
            public virtual async Task<int> C(string id) => await Mine(id);

            public async Task<int> D(string id) => await Mine(id);
        }
        """);

    [Fact]
    public Task RemoteInsidePrivateCaches_STRATA061() => V.Analyzer("""
        public class Catalog
        {
            [UseCache("remote")]
            public virtual async Task<int> Shared(string id) { await Task.Yield(); return 1; }

            [UseCache]
            public virtual async Task<int> Local(string id) { await Task.Yield(); return 1; }

            [UseCache("private")]
            public virtual async Task<int> A(string id) => await {|STRATA061:Shared(id)|} + await Local(id);

            [UseCache]
            public virtual async Task<int> B(string id) => await Shared(id);

            [UseCache("remote")]
            public virtual async Task<int> C(string id) => await Shared(id);
        }
        """);

    [Fact]
    public Task RevalidationInsideCaches_STRATA010() => V.Analyzer("""
        public class Catalog
        {
            [UseCache]
            public virtual async Task<int> A(string id)
            {
                await {|STRATA010:RevalidateTag("products", "max")|};
                await {|STRATA010:UpdateTag("products")|};
                await {|STRATA010:RevalidatePath("/products")|};
                {|STRATA010:Refresh()|};
                return 1;
            }

            public Func<string, Task<int>> Lambda => Function(async (string id) => { await {|STRATA010:UpdateTag("x")|}; return 1; });
        }
        """);

    [Fact]
    public Task RevalidationOutsideCaches_NoDiagnostic() => V.Analyzer("""
        public class Actions
        {
            public async Task Save(string id)
            {
                await RevalidateTag("products", "max");
                await UpdateTag("product-" + id);
                await RevalidatePath("/products");
                Refresh();
            }
        }
        """);

    [Fact]
    public Task CacheLifeAndCacheTagOutsideCaches_STRATA011Warning() => V.Analyzer("""
        public class Page
        {
            public void Render()
            {
                {|STRATA011:CacheLife("hours")|};
                {|STRATA011:CacheTag("products")|};
            }
        }
        """);

    [Fact]
    public Task CacheLifeAndCacheTagInsideVisibleScopes_NoDiagnostic() => V.Analyzer("""
        public class Catalog
        {
            [UseCache]
            public virtual async Task<int> A(string id) { CacheLife("hours"); CacheTag("a"); await Task.Yield(); return 1; }

            public Func<string, Task<int>> B => Function(async (string id) => { CacheTag("b"); await Task.Yield(); return 1; });

            private void Tag(string id) => CacheTag("product-" + id);
        }

        [UseCache]
        public class Reports
        {
            public virtual Task<int> Daily() { CacheLife("days"); return Task.FromResult(1); }
        }
        """);

    [Fact]
    public Task UnknownCacheLifeProfile_STRATA016Warning() => V.Analyzer("""
        public class Catalog
        {
            [UseCache] public virtual Task<int> A(string id) { CacheLife({|STRATA016:"hour"|}); return Task.FromResult(1); }
            [UseCache] public virtual Task<int> B(string id) { CacheLife({|STRATA016:"biweekly"|}); return Task.FromResult(1); }
        }
        """);

    [Fact]
    public Task BuiltInAndConfiguredProfiles_NoDiagnostic() => V.Analyzer("""
        public class Catalog
        {
            [UseCache] public virtual Task<int> A(string id) { CacheLife("hours"); CacheLife("frequent"); CacheLife("biweekly"); return Task.FromResult(1); }
            public static void Configure(StrataOptions options) => options.CacheLife["frequent"] = new CacheLifeProfile { Revalidate = 100, Expire = 300 };
        }
        """,
        ("appsettings.json", """{ "Strata": { "CacheLife": { "biweekly": { "Revalidate": 1209600 } } } }"""));
}
