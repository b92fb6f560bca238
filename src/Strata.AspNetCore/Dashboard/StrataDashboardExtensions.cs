using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata;
using Strata.AspNetCore;
using Strata.AspNetCore.Dashboard;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Strata's cache dashboard.</summary>
public static class StrataDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the cache dashboard at <paramref name="pattern"/>: the entries each cache kind holds with their size and
    /// lifetimes, the memory budget in use, the hit ratio of the last ten minutes, the recent tag invalidations and where
    /// they came from, the health of handlers that report it (Redis), and forms to revalidate a tag or a path (POST,
    /// antiforgery-protected). Nothing is served unless it is mapped. Protect it with a policy on the returned builder:
    /// <code>
    /// app.MapStrataDashboard("/_strata").RequireAuthorization("admin");
    /// </code>
    /// The host fails to start when the dashboard has neither authorization nor <c>.AllowAnonymous()</c> (and the application
    /// has no fallback authorization policy).
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="pattern">Where to map it. The default is <c>/_strata</c>.</param>
    /// <returns>The builder of the dashboard's endpoints (the page and its two actions), to protect.</returns>
    public static IEndpointConventionBuilder MapStrataDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/_strata")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var services = endpoints.ServiceProvider;
        var guard = services.GetService<DashboardGuard>()
            ?? throw new InvalidOperationException(WebErrorMessages.UseStrataWithoutServices.Replace("app.UseStrata()", "app.MapStrataDashboard()", StringComparison.Ordinal));
        services.GetRequiredService<HitRatioHistory>().Start();

        var before = endpoints.DataSources.ToHashSet();
        var group = endpoints.MapGroup(pattern);
        guard.Watch(endpoints.DataSources.Where(d => !before.Contains(d)));
        group.MapGet("/", DashboardEndpoints.ShowAsync);
        group.MapPost("/revalidate-tag", (Delegate)DashboardEndpoints.RevalidateTagAsync);
        group.MapPost("/revalidate-path", (Delegate)DashboardEndpoints.RevalidatePathAsync);
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            if (!endpoint.Metadata.Any(m => m is IAuthorizeData or AuthorizationPolicy or IAllowAnonymous) &&
                endpoint.ApplicationServices.GetService<IOptions<AuthorizationOptions>>()?.Value.FallbackPolicy is null)
            {
                throw new InvalidOperationException(WebErrorMessages.DashboardWithoutAuthorization(pattern));
            }
        });
        return group;
    }
}
