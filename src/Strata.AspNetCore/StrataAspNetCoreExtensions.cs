using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Strata;
using Strata.AspNetCore;
using Strata.AspNetCore.Components;
using Strata.AspNetCore.Http;
using Strata.AspNetCore.Shell;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Adds Strata's ASP.NET Core and Blazor integration to <c>AddStrata()</c>.</summary>
    public static class StrataAspNetCoreServiceCollectionExtensions
    {
        /// <summary>
        /// Adds the web layer: <c>Cookies()</c>, <c>Headers()</c>, <c>SearchParams()</c>, <c>Connection()</c> and
        /// <c>DraftMode()</c> over the current request, and <c>[UseCache]</c> on Razor components, pages and layouts.
        /// Use it with <c>app.UseStrata()</c> (the host fails to start without it):
        /// <code>
        /// builder.Services.AddStrata().AddAspNetCore();
        /// ...
        /// app.UseStrata();
        /// </code>
        /// </summary>
        /// <param name="builder">The builder <c>AddStrata()</c> returned.</param>
        /// <returns>The builder.</returns>
        public static IStrataBuilder AddAspNetCore(this IStrataBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            var services = builder.Services;
            if (services.Any(d => d.ServiceType == typeof(StrataAspNetCoreMarker)))
            {
                return builder;
            }

            services.AddSingleton<StrataAspNetCoreMarker>();
            services.AddTransient<IStartupFilter, UseStrataCheck>(); // start-up fails when app.UseStrata() was forgotten
            services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, LiveRenderCircuitHandler>()); // [UseCache] components render live in a circuit
            services.AddHttpContextAccessor();
            services.AddSingleton<IRouteTemplateResolver, RouteTemplates>(); // RevalidatePath reads templates as routing does
            services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, HeadRequests>(); // HEAD to pages: the GET's headers, no body
            services.AddOptions<StaticShellOptions>().BindConfiguration(StaticShellOptions.Section);
            services.AddSingleton<ShellStore>();
            services.AddSingleton<ShellPrerenderer>();
            services.AddHostedService(sp => sp.GetRequiredService<ShellPrerenderer>()); // static shells, made after start-up
            services.AddSingleton<PrivateResponseExplainer>(); // in Development: why a response was made private
            services.AddOptions<CacheOverlayOptions>().BindConfiguration(CacheOverlayOptions.Section);
            services.AddSingleton<Strata.AspNetCore.Overlay.CacheOverlay>(); // in Development: a badge on each cached part
            services.AddSingleton<Strata.AspNetCore.Dashboard.HitRatioHistory>(); // app.MapStrataDashboard(): listens once mapped
            services.AddSingleton<Strata.AspNetCore.Dashboard.DashboardGuard>();
            services.AddAntiforgery(); // the dashboard's forms
            services.AddTransient<IStartupFilter>(sp => sp.GetRequiredService<Strata.AspNetCore.Dashboard.DashboardGuard>());

            // Server functions ([UseServer]): the table of action ids, the handler of calls, their options.
            services.AddDataProtection();
            services.AddOptions<ServerFunctionOptions>().BindConfiguration("Strata:ServerFunctions");
            services.AddSingleton<Strata.AspNetCore.Server.ServerFunctionTable>();
            services.AddSingleton<Strata.AspNetCore.Server.ServerActionHandler>();
            Strata.AspNetCore.Server.ServerFunctionTable.AddContractImplementations(services); // [UseServer] interfaces: their server classes

            // Slots and callbacks are handed through cached functions untouched and left out of their keys.
            CacheKeyPassThrough.Register(typeof(RenderFragment));
            CacheKeyPassThrough.Register(typeof(RenderFragment<>));
            CacheKeyPassThrough.Register(typeof(EventCallback));
            CacheKeyPassThrough.Register(typeof(EventCallback<>));

            // Decorate the component activator (an application's own, or Blazor's default) so [UseCache] components are cached.
            var existing = services.LastOrDefault(d => d.ServiceType == typeof(IComponentActivator));
            if (existing is not null)
            {
                services.Remove(existing);
            }

            services.AddScoped<IComponentActivator>(sp => new StrataComponentActivator(
                sp,
                existing is null ? null : ResolveInner(sp, existing),
                sp.GetService<IHttpContextAccessor>()));
            return builder;
        }

        private static IComponentActivator ResolveInner(IServiceProvider services, ServiceDescriptor descriptor) =>
            (IComponentActivator)(descriptor.ImplementationInstance
                ?? descriptor.ImplementationFactory?.Invoke(services)
                ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
    }

    /// <summary>Registered by <c>AddAspNetCore()</c>; notes whether <c>app.UseStrata()</c> put the request scope in the pipeline.</summary>
    internal sealed class StrataAspNetCoreMarker
    {
        /// <summary>The property ASP.NET Core's <c>UseRouting()</c> sets on the pipeline it is called on.</summary>
        internal const string RoutingProperty = "__EndpointRouteBuilder";

        public bool InPipeline { get; set; }

        /// <summary>The pipeline <c>app.UseStrata()</c> was called on, and whether <c>UseRouting()</c> was called on it before.</summary>
        public (IApplicationBuilder Pipeline, bool RoutingBefore)? Placement { get; set; }

        /// <summary>Whether <c>UseRouting()</c> was called on the same pipeline after <c>UseStrata()</c>: pages would then be unknown to Strata.</summary>
        public bool RoutingAfterStrata =>
            Placement is { RoutingBefore: false } placement && placement.Pipeline.Properties.ContainsKey(RoutingProperty);
    }

    /// <summary>
    /// Fails the host's start when the pipeline was built without <c>app.UseStrata()</c>: without the request scope no page
    /// is cached, and cached components would fail with errors that point elsewhere.
    /// </summary>
    internal sealed class UseStrataCheck(StrataAspNetCoreMarker marker) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            if (!marker.InPipeline)
            {
                throw new InvalidOperationException(WebErrorMessages.UseStrataMissing);
            }

            if (marker.RoutingAfterStrata)
            {
                throw new InvalidOperationException(WebErrorMessages.UseStrataBeforeRouting);
            }
        };
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>Adds Strata's request scope to the request pipeline.</summary>
    public static class StrataApplicationBuilderExtensions
    {
        /// <summary>
        /// Opens Strata's request scope for every request: request data for <c>Cookies()</c> and friends, per-request dedupe
        /// and <c>Memo</c>, implicit path tags for <c>RevalidatePath</c>, the phase that decides where <c>UpdateTag</c> and
        /// <c>RevalidateTag</c> may be called, and the <c>x-strata-stale-time</c> and <c>Cache-Control</c> headers. Call it
        /// before <c>MapRazorComponents</c> and your endpoints (and after <c>UseRouting()</c> if you call that yourself).
        /// </summary>
        /// <param name="app">The application.</param>
        /// <returns>The application.</returns>
        /// <exception cref="InvalidOperationException"><c>AddStrata().AddAspNetCore()</c> was not called.</exception>
        public static IApplicationBuilder UseStrata(this IApplicationBuilder app)
        {
            ArgumentNullException.ThrowIfNull(app);
            var marker = app.ApplicationServices.GetService<StrataAspNetCoreMarker>()
                ?? throw new InvalidOperationException(WebErrorMessages.UseStrataWithoutServices);
            marker.InPipeline = true;
            marker.Placement = (app, app.Properties.ContainsKey(StrataAspNetCoreMarker.RoutingProperty));
            return app.UseMiddleware<StrataRequestMiddleware>();
        }

        /// <summary>
        /// Serves static shells from this point of the pipeline (opt-in): a <c>GET</c> or <c>HEAD</c> without a query string
        /// of a page whose shell is fresh or stale and has no streamed parts gets the shell's bytes here, and the middleware
        /// after this call does not run for it. Only pages that need no authorization are served here (no <c>[Authorize]</c>,
        /// no policy, no fallback policy unless the page allows anonymous users); everything else goes on, and
        /// <c>app.UseStrata()</c> serves the other shells as before. Place it after the middleware that must see or change
        /// every page response (exception handling, security headers, your own cookies) and before what a public page does
        /// not need (authentication, authorization), and after <c>UseRouting()</c> if you call it yourself (the page is known
        /// by its endpoint):
        /// <code>
        /// app.UseExceptionHandler("/error");
        /// app.UseStrataShells();
        /// app.UseAuthentication();
        /// app.UseAuthorization();
        /// app.UseStrata();
        /// </code>
        /// A shell hit served here sets no authentication cookie (a sliding expiration is renewed on the next request that
        /// reaches authentication).
        /// </summary>
        /// <param name="app">The application.</param>
        /// <returns>The application.</returns>
        /// <exception cref="InvalidOperationException"><c>AddStrata().AddAspNetCore()</c> was not called.</exception>
        public static IApplicationBuilder UseStrataShells(this IApplicationBuilder app)
        {
            ArgumentNullException.ThrowIfNull(app);
            _ = app.ApplicationServices.GetService<StrataAspNetCoreMarker>()
                ?? throw new InvalidOperationException(WebErrorMessages.UseStrataWithoutServices.Replace("app.UseStrata()", "app.UseStrataShells()", StringComparison.Ordinal));
            return app.UseMiddleware<ShellMiddleware>();
        }
    }
}
