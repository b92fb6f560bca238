using Microsoft.AspNetCore.Http;

namespace Strata.AspNetCore;

/// <summary>
/// Marks a page (<c>@attribute [ForceDynamic]</c>) as rendered for every request: it is never prerendered into a static
/// shell, its responses are not publicly cacheable (<c>x-strata-cache: DYNAMIC</c>), and reading request data in it
/// outside a streaming boundary is neither an error at prerender time (event 44) nor reported by the analyzers
/// (STRATA070-073). Next.js's <c>export const dynamic = 'force-dynamic'</c> (with Cache Components, a route that accepts
/// blocking: <c>export const instant = false</c>).
/// </summary>
/// <remarks>
/// Use it for pages that are about the visitor as a whole, such as a sign-in form or a cart: what they show depends on the
/// request from the first byte, so a shell would hold nothing worth sending. Pages with a static part should keep it
/// static and move what reads the request into a <c>[StreamRendering]</c> component instead (see
/// docs/web/static-shell.md).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class ForceDynamicAttribute : Attribute
{
    /// <summary>Whether the endpoint is a page marked <c>[ForceDynamic]</c> (Blazor copies a page's attributes into its endpoint's metadata).</summary>
    internal static bool IsOn(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<ForceDynamicAttribute>() is not null;
}
