using Strata.Generators.Tests.Support;
using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.StaticParamsAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>STRATA075-079: the shape of [StaticParams] methods. One positive and one negative case each.</summary>
public sealed class StaticParamsAnalyzerTests
{
    private const string Types = """
        using Microsoft.AspNetCore.Components;
        public class Blog { public Task<int[]> Ids() => Task.FromResult(new[] { 1 }); }
        public sealed record SectionParams(string Section, int Id);

        """;

    [Fact]
    public Task EveryAllowedShape_NoDiagnostic() => V.Analyzer(Types + """
        [Route("/posts/{id:int}")]
        public class Post : ComponentBase
        {
            [StaticParams] public static async Task<int[]> Ids(Blog blog, CancellationToken ct) => await blog.Ids();
        }

        [Route("/sections/{section}/{id:int}")]
        public class Section : ComponentBase
        {
            [StaticParams] public static IEnumerable<SectionParams> Values() => [new("news", 1)];
        }

        [Route("/a/{slug}")]
        public class Anonymous : ComponentBase
        {
            [StaticParams] internal static async IAsyncEnumerable<object> Values() { await Task.Yield(); yield return new { Slug = "x" }; }
        }

        [Route("/tags")]
        [Route("/tags/{tag}/{page:int?}")]
        public class Tags : ComponentBase
        {
            [StaticParams] private static ValueTask<List<TagValue>> Values() => new(new List<TagValue> { new() { Tag = "c#" } });

            public sealed class TagValue { public string Tag { get; init; } = ""; }
        }
        """);

    [Fact]
    public Task InstanceGenericOrByRef_STRATA075() => V.Analyzer(Types + """
        [Route("/a/{id:int}")]
        public class A : ComponentBase { [StaticParams] public IEnumerable<int> {|STRATA075:Ids|}() => [1]; }

        [Route("/b/{id:int}")]
        public class B : ComponentBase { [StaticParams] public static IEnumerable<T> {|STRATA075:Ids|}<T>() => []; }

        [Route("/c/{id:int}")]
        public class C : ComponentBase { [StaticParams] public static IEnumerable<int> {|STRATA075:Ids|}(ref int count) => [1]; }
        """);

    [Fact]
    public Task NotASequence_STRATA076() => V.Analyzer(Types + """
        [Route("/a/{id}")]
        public class A : ComponentBase { [StaticParams] public static string {|STRATA076:Ids|}() => "1"; }

        [Route("/b/{id:int}")]
        public class B : ComponentBase { [StaticParams] public static Task<int> {|STRATA076:Ids|}() => Task.FromResult(1); }

        [Route("/c/{id:int}")]
        public class C : ComponentBase { [StaticParams] public static Task<IAsyncEnumerable<int>> {|STRATA076:Ids|}() => null!; }
        """);

    [Fact]
    public Task NotOnAPageWithRouteParameters_STRATA077() => V.Analyzer(Types + """
        [Route("/about")]
        public class About : ComponentBase { [StaticParams] public static int[] {|STRATA077:Ids|}() => [1]; }

        public class Widget : ComponentBase { [StaticParams] public static int[] {|STRATA077:Ids|}() => [1]; }

        public static class Helpers { [StaticParams] public static int[] {|STRATA077:Ids|}() => [1]; }
        """);

    [Fact]
    public Task ValuesThatDoNotFitTheRoute_STRATA078() => V.Analyzer(Types + """
        [Route("/sections/{section}/{id:int}")]
        public class Single : ComponentBase { [StaticParams] public static int[] {|STRATA078:Ids|}() => [1]; }

        [Route("/posts/{slug}")]
        public class Extra : ComponentBase { [StaticParams] public static SectionParams[] {|STRATA078:Values|}() => []; }

        [Route("/sections/{section}/{id:int}/{page:int}")]
        public class Missing : ComponentBase { [StaticParams] public static SectionParams[] {|STRATA078:Values|}() => []; }

        [Route("/p/{id:int}")]
        [Route("/p/{section}/{id:int}")]
        public class TwoRoutes : ComponentBase { [StaticParams] public static int[] {|STRATA078:Ids|}() => [1]; }
        """);

    [Fact]
    public Task TwoMethodsOnOnePage_STRATA079() => V.Analyzer(Types + """
        [Route("/posts/{id:int}")]
        public class Post : ComponentBase
        {
            [StaticParams] public static int[] {|STRATA079:Old|}() => [1];
            [StaticParams] public static int[] {|STRATA079:New|}() => [2];
        }
        """);
}
