using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// <c>app.UseStrataShells()</c>: serves the static shells of pages that are bytes alone (no streamed parts) from where it is
/// placed in the pipeline, so that the middleware after it (authentication, authorization, Strata's request scope) does not
/// run for a shell hit. Only pages that need no authorization are served here (no <c>[Authorize]</c>, no policy, and no
/// fallback policy unless <c>[AllowAnonymous]</c>); every other request, and shells with streamed parts, go on to
/// <c>app.UseStrata()</c>, which serves them as before. Not async: a hit completes with the write.
/// </summary>
internal sealed class ShellMiddleware(RequestDelegate next, ShellStore shells, IOptions<AuthorizationOptions> authorization)
{
    private readonly AuthorizationPolicy? _fallback = authorization.Value.FallbackPolicy;

    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata && metadata.GetMetadata<ComponentTypeMetadata>() is not null &&
        !RequiresAuthorization(metadata, _fallback) && shells.TryServe(context, render: null, out var write)
            ? write
            : next(context);

    /// <summary>
    /// Whether the authorization middleware could refuse a request to the endpoint: it carries authorization data, a policy or
    /// requirements, or a fallback policy applies to it (<paramref name="fallback"/>, unless it allows anonymous users).
    /// Shells are made only for endpoints that need no authorization, and served before authorization only then.
    /// </summary>
    public static bool RequiresAuthorization(EndpointMetadataCollection metadata, AuthorizationPolicy? fallback) =>
        metadata.GetMetadata<IAuthorizeData>() is not null || metadata.GetMetadata<AuthorizationPolicy>() is not null ||
        metadata.GetMetadata<IAuthorizationRequirementData>() is not null ||
        fallback is not null && metadata.GetMetadata<IAllowAnonymous>() is null;
}
