using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.StreamingBoundaryAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>
/// STRATA070-074: request data read outside a streaming boundary in a page that is prerendered into a static shell, and
/// [ForceDynamic] where it does nothing. The pages are written as Razor writes them (attributes on the class, [Inject]
/// properties); StreamingBoundaryRazorTests runs the analyzer over real Razor output.
/// </summary>
public sealed class StreamingBoundaryAnalyzerTests
{
    /// <summary>[ForceDynamic] as Strata.AspNetCore declares it (matched by metadata name), and a streaming layout.</summary>
    private const string Setup = """
        namespace Strata.AspNetCore
        {
            [System.AttributeUsage(System.AttributeTargets.Class, Inherited = true)]
            public sealed class ForceDynamicAttribute : System.Attribute { }
        }
        namespace App
        {
            using Microsoft.AspNetCore.Components;
            using Microsoft.AspNetCore.Http;
            using Strata.AspNetCore;

            [StreamRendering]
            public class StreamingLayout : LayoutComponentBase { }

            public class PlainLayout : LayoutComponentBase { }

        """;

    private const string End = "\n}\n";

    private static Task Code(string body) => V.Analyzer(Setup + body + End);

    [Fact]
    public Task CascadingHttpContext_OnAPrerenderedPage_STRATA070() => Code("""
            [Route("/bookings")]
            public class Bookings : ComponentBase
            {
                [CascadingParameter] public HttpContext? {|STRATA070:HttpContext|} { get; set; }
            }
        """);

    [Fact]
    public Task InjectedHttpContextAccessor_OnAPrerenderedPage_STRATA071() => Code("""
            [Route("/who")]
            public class Who : ComponentBase
            {
                [Inject] private IHttpContextAccessor {|STRATA071:Accessor|} { get; set; } = null!;
            }
        """);

    [Fact]
    public Task QueryParameter_OnAPrerenderedPage_STRATA072() => Code("""
            [Route("/search")]
            public class Search : ComponentBase
            {
                [SupplyParameterFromQuery] public string? {|STRATA072:Q|} { get; set; }
            }
        """);

    [Fact]
    public Task CookiesHeadersSearchParamsConnection_InAPrerenderedPage_STRATA073() => Code("""
            [Route("/")]
            public class Home : ComponentBase
            {
                private string _language = "en";

                protected override async System.Threading.Tasks.Task OnInitializedAsync()
                {
                    _language = {|STRATA073:Cookies()|}.TryGetValue("language", out var l) ? l : "en";
                    _ = {|STRATA073:Headers()|}.Count + {|STRATA073:SearchParams()|}.Count;
                    await {|STRATA073:Connection()|};
                }
            }
        """);

    [Fact]
    public async Task Message_NamesTheRouteThePageTheMemberAndBothFixes()
    {
        var diagnostic = Assert.Single(await V.Diagnostics(Setup + """
                [Route("/bookings")]
                public class Bookings : ComponentBase
                {
                    [SupplyParameterFromQuery] public string? Type { get; set; }
                }
            """ + End));

        Assert.Equal(
            "Route /bookings: Bookings binds [SupplyParameterFromQuery] 'Type' outside a streaming boundary. Uncached data was accessed outside of <Suspense> (Next.js)",
            diagnostic.GetMessage()[..diagnostic.GetMessage().IndexOf(':', 20)]);
        Assert.Contains("Move the part that reads it into a [StreamRendering] component", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("mark it @attribute [ForceDynamic]", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
    }

    [Fact]
    public Task StreamingPage_StreamingLayout_OrAStreamingBaseClass_NoDiagnostic() => Code("""
            [Route("/product"), StreamRendering]
            public class Product : ComponentBase
            {
                [CascadingParameter] public HttpContext? HttpContext { get; set; }
                [SupplyParameterFromQuery] public string? Currency { get; set; }
                protected override void OnInitialized() => _ = Cookies();
            }

            [Route("/feed"), Layout(typeof(StreamingLayout))]
            public class Feed : ComponentBase
            {
                [SupplyParameterFromQuery] public int? Page { get; set; }
            }

            [StreamRendering]
            public abstract class StreamingPage : ComponentBase { }

            [Route("/news")]
            public class News : StreamingPage
            {
                protected override void OnInitialized() => _ = Headers();
            }
        """);

    [Fact]
    public Task StreamRenderingFalse_OrAPlainLayout_IsNotABoundary() => Code("""
            [Route("/a"), StreamRendering(false)]
            public class A : ComponentBase
            {
                [SupplyParameterFromQuery] public int? {|STRATA072:Page|} { get; set; }
            }

            [Route("/b"), Layout(typeof(PlainLayout))]
            public class B : ComponentBase
            {
                [SupplyParameterFromQuery] public int? {|STRATA072:Page|} { get; set; }
            }
        """);

    [Fact]
    public Task PagesThatAreNotPrerendered_NoDiagnostic() => Code("""
            [Route("/login"), ForceDynamic]
            public class Login : ComponentBase
            {
                [SupplyParameterFromQuery] public string? ReturnUrl { get; set; }
                protected override void OnInitialized() => _ = Cookies();
            }

            [Route("/admin"), Microsoft.AspNetCore.Authorization.Authorize]
            public class Admin : ComponentBase
            {
                [CascadingParameter] public HttpContext? HttpContext { get; set; }
            }

            [Route("/product/{Id:int}")]
            public class ProductPage : ComponentBase
            {
                [Parameter] public int Id { get; set; }
                [SupplyParameterFromQuery] public string? Currency { get; set; }
            }
        """);

    [Fact]
    public Task ComponentsThatAreNotPages_AndReadsThatAreNotRequestData_NoDiagnostic() => Code("""
            public class Price : ComponentBase
            {
                [CascadingParameter] public HttpContext? HttpContext { get; set; }
                protected override void OnInitialized() => _ = Cookies();
            }

            [Route("/static")]
            public class Static : ComponentBase
            {
                [Parameter] public string? Title { get; set; }
                [CascadingParameter] public string? Theme { get; set; }
                [Inject] private NavigationManager Navigation { get; set; } = null!;
                protected override void OnInitialized() => _ = DraftMode();
            }
        """);

    [Fact]
    public Task RequestDataInACachedLambdaOfAPage_IsLeftToSTRATA008() => Code("""
            [Route("/lambda")]
            public class Lambda : ComponentBase
            {
                public Func<string, Task<int>> Count => Function(async (string id) => { await Task.Yield(); return Cookies().Count; });
            }
        """);

    [Fact]
    public Task ForceDynamic_OnAComponentThatIsNotAPage_STRATA074() => Code("""
            [{|STRATA074:ForceDynamic|}]
            public class CartBadge : ComponentBase { }

            [Route("/cart"), ForceDynamic]
            public class Cart : ComponentBase { }

            [ForceDynamic]
            public abstract class DynamicPage : ComponentBase { }

            [Route("/account")]
            public class Account : DynamicPage
            {
                protected override void OnInitialized() => _ = Cookies();
            }
        """);

    [Fact]
    public Task QueryParameter_OnAPageWithRouteParametersListedByStaticParams_STRATA072() => Code("""
            [Route("/shelf/{Id:int}")]
            public class Shelf : ComponentBase
            {
                [Parameter] public int Id { get; set; }
                [SupplyParameterFromQuery] public string? {|STRATA072:Sort|} { get; set; }

                [Strata.StaticParams]
                public static int[] Ids() => [1, 2, 3];
            }
        """);
}
