using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>
/// The diagnostics of request data read outside a streaming boundary in a page that is prerendered into a static shell
/// (STRATA070-073), and of <c>[ForceDynamic]</c> where it has no effect (STRATA074). Warnings: the page still works (it is
/// rendered on every request), and a page that is dynamic on purpose says so with <c>[ForceDynamic]</c>.
/// </summary>
internal static class ShellDescriptors
{
    private const string Category = "Strata";

    /// <summary>
    /// Next.js's "Uncached data was accessed outside of &lt;Suspense&gt;" (blocking-route) adapted: {0} the route, {1} the
    /// page, {2} what it reads. The prerender's error (event 44) says the same at run time.
    /// </summary>
    private const string Message =
        "Route {0}: {1} {2} outside a streaming boundary. Uncached data was accessed outside of <Suspense> (Next.js): the page is prerendered " +
        "into a static shell shared by every visitor, so what it shows cannot be in it, and the whole page is rendered on every request instead " +
        "(the prerender logs an error). Move the part that reads it into a [StreamRendering] component (Strata's <Suspense>: the shell holds what " +
        "that component renders without a visitor, and what it renders for each visitor is streamed in), or, if all of the page depends on the " +
        "request, mark it @attribute [ForceDynamic].";

    public static readonly DiagnosticDescriptor HttpContext = Warning(
        "STRATA070", "A prerendered page reads the HttpContext outside a streaming boundary", Message);

    public static readonly DiagnosticDescriptor HttpContextAccessor = Warning(
        "STRATA071", "A prerendered page injects IHttpContextAccessor outside a streaming boundary", Message);

    public static readonly DiagnosticDescriptor Query = Warning(
        "STRATA072", "A prerendered page binds the query string outside a streaming boundary", Message);

    public static readonly DiagnosticDescriptor RequestApi = Warning(
        "STRATA073", "A prerendered page reads request data outside a streaming boundary", Message);

    public static readonly DiagnosticDescriptor ForceDynamicNotAPage = Warning(
        "STRATA074", "[ForceDynamic] has no effect on a component that is not a page",
        "[ForceDynamic] on {0} has no effect: only pages (@page, [Route]) are prerendered. Put it on the page that renders {0}, or move what reads " +
        "request data in {0} into a [StreamRendering] component.");

    public static DiagnosticDescriptor For(PageRead read) => read switch
    {
        PageRead.HttpContext => HttpContext,
        PageRead.HttpContextAccessor => HttpContextAccessor,
        _ => Query,
    };

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: Descriptors.HelpBase + id + ".md");
}

/// <summary>What a member of a page reads from the request (STRATA070-072).</summary>
internal enum PageRead
{
    /// <summary>A <c>[CascadingParameter] HttpContext</c>.</summary>
    HttpContext,

    /// <summary>An injected <c>IHttpContextAccessor</c>.</summary>
    HttpContextAccessor,

    /// <summary>A <c>[SupplyParameterFromQuery]</c> property.</summary>
    Query,
}
