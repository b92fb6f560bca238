using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.CacheKeyAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>STRATA018-020: what a cached function's key cannot hold, found at build time.</summary>
public sealed class CacheKeyAnalyzerTests
{
    private const string Types = """
        public sealed record Filter(string Name, int Page);
        public sealed class Money { private readonly decimal _amount = 1; public decimal Twice() => _amount * 2; }
        public interface IRepository { string Find(string id); }
        public sealed class Repository : IRepository { private readonly string _prefix = "p"; public string Find(string id) => _prefix + id; }

        """;

    [Fact]
    public Task CapturedValuesThatCannotBeKeyed_STRATA018() => V.Analyzer(Types + """
        public static class Pages
        {
            public static Func<int, Task<string>> Make(Money money, IRepository repository, Stream body, Repository concrete) =>
                Function(async (int n) =>
                {
                    await Task.Yield();
                    return {|STRATA018:money|}.Twice() + {|STRATA018:repository|}.Find("a") + {|STRATA018:body|}.Length + {|STRATA018:concrete|}.Find("b") + n;
                });
        }
        """);

    [Fact]
    public Task CapturedPlainDataDelegatesAndInfrastructure_NoDiagnostic() => V.Analyzer("using Microsoft.Extensions.Logging; using Microsoft.Extensions.Options;\n" + Types + """
        public sealed class Settings { public string Region { get; set; } = ""; }
        public static class Pages
        {
            public static Func<int, Task<string>> Make(string tenant, Filter filter, int[] ids, Func<int, bool> keep, ILogger<Filter> logger,
                IOptions<Settings> options, IServiceProvider services, TimeProvider clock, System.Globalization.CultureInfo culture, CancellationToken token, object anything) =>
                Function(async (int n) =>
                {
                    await Task.Yield();
                    logger.LogInformation("{N}", n);
                    return tenant + filter.Name + ids.Length + keep(n) + options.Value.Region + (services.GetService(typeof(string)) is null) + clock.GetUtcNow()
                        + n.ToString(culture) + token.IsCancellationRequested + anything;
                });
        }
        """);

    [Fact]
    public Task VariablesCapturedOnlyByOtherLambdas_NoDiagnostic() => V.Analyzer(Types + """
        public static class Pages
        {
            public static (Func<int, Task<int>>, Func<decimal>) Make(Money money, int page)
            {
                var cached = Function(async (int n) => { await Task.Yield(); return n + page; });
                Func<decimal> other = () => money.Twice();
                return (cached, other);
            }
        }
        """);

    [Fact]
    public Task AVariableReadOnlyInsideAnExpressionTreeOrANestedLambda_IsChecked() => V.Analyzer("using System.Linq;\n" + Types + """
        public static class Pages
        {
            public static Func<int, Task<string[]>> Make(IQueryable<Filter> rows, Money money, Money other) =>
                Function(async (int n) =>
                {
                    await Task.Yield();
                    Func<decimal> nested = () => {|STRATA018:other|}.Twice();
                    return rows.Where(r => r.Page == {|STRATA018:money|}.Twice() + nested()).Select(r => r.Name).ToArray();
                });
        }
        """.Replace("(IQueryable<Filter> rows,", "(Filter[] rows,").Replace("rows.Where", "rows.AsQueryable().Where"));

    [Fact]
    public Task ServicesRegisteredInThisProject_NoDiagnostic() => V.Analyzer("using Microsoft.Extensions.DependencyInjection;\n" + Types + """
        public class Catalog
        {
            private readonly string _prefix = "c";
            public Catalog(IRepository repository, Money money)
            {
                Get = Function(async (string id) => { await Task.Yield(); return _prefix + repository.Find(id) + money.Twice(); });
            }

            public Func<string, Task<string>> Get { get; }
        }
        public static class Setup
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddScoped<IRepository, Repository>();
                services.AddSingleton(typeof(Money));
                services.AddScoped<Catalog>();
            }
        }
        """);

    [Fact]
    public Task CapturingThisOfAnUnregisteredClass_STRATA018() => V.Analyzer(Types + """
        public class Catalog
        {
            private readonly string _prefix = "c";
            public Catalog()
            {
                Get = Function(async (string id) => { await Task.Yield(); return {|STRATA018:_prefix|} + id; });
                Name = Function<string, string>({|STRATA018:this|}.Describe);
            }

            public Func<string, Task<string>> Get { get; }

            public Func<string, Task<string>> Name { get; }

            private Task<string> Describe(string id) => Task.FromResult(_prefix + id);
        }
        """);

    [Fact]
    public Task CapturedRequestStateAndComponents_STRATA019() => V.Analyzer("""
        using Microsoft.AspNetCore.Components;
        using Microsoft.AspNetCore.Http;
        public class Card : ComponentBase
        {
            [Parameter] public string Id { get; set; } = "";
            public Func<string, Task<string>> Loader(HttpContext context, System.Security.Claims.ClaimsPrincipal user) =>
                Function(async (string x) =>
                {
                    await Task.Yield();
                    return {|STRATA019:Id|} + {|STRATA019:context|}.TraceIdentifier + {|STRATA019:user|}.Identity?.Name + x;
                });
        }
        """);

    [Fact]
    public Task InspectingAPassThroughParameter_STRATA020() => V.Analyzer("""
        using Microsoft.AspNetCore.Components;
        using Microsoft.AspNetCore.Components.Rendering;
        public class Catalog
        {
            [UseCache]
            public virtual Task<string> Describe(string id, RenderFragment? slot, RenderFragment<int> row, CancellationToken token)
            {
                token.ThrowIfCancellationRequested();
                var has = {|STRATA020:slot is null|} ? "none" : "some";
                var target = {|STRATA020:row.Target|};
                return Task.FromResult(has + target);
            }

            [UseCache]
            public virtual Task<RenderFragment> Wrap(string id, RenderFragment slot) =>
                Task.FromResult<RenderFragment>(b => { b.AddContent(0, id); b.AddContent(1, slot); });
        }
        public static class Pages
        {
            public static Func<string, RenderFragment, Task<string>> Make() =>
                Function(async (string id, RenderFragment slot) =>
                {
                    await Task.Yield();
                    var builder = new RenderTreeBuilder();
                    {|STRATA020:slot(builder)|};
                    return id;
                });
        }
        """);

    [Fact]
    public Task PassThroughParametersOutsideCachedFunctions_NoDiagnostic() => V.Analyzer("""
        using Microsoft.AspNetCore.Components;
        using Microsoft.AspNetCore.Components.Rendering;
        public class Catalog
        {
            public virtual string Render(RenderFragment slot)
            {
                var builder = new RenderTreeBuilder();
                slot(builder);
                return slot.Method.Name;
            }
        }
        """);
}
