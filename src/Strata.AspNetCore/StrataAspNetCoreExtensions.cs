using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata;
using Strata.AspNetCore;
using Strata.AspNetCore.Components;
using Strata.AspNetCore.Http;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Adds Strata's ASP.NET Core and Blazor integration to <c>AddStrata()</c>.</summary>
    public static class StrataAspNetCoreServiceCollectionExtensions
    {
        /// <summary>
        /// Adds the web layer: <c>Cookies()</c>, <c>Headers()</c>, <c>SearchParams()</c>, <c>Connection()</c> and
        /// <c>DraftMode()</c> over the current request, and <c>[UseCache]</c> on Razor components, pages and layouts.
        /// Use it with <c>app.UseStrata()</c>:
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
            services.AddHttpContextAccessor();
            services.AddSingleton<IRouteTemplateResolver, RouteTemplates>(); // RevalidatePath reads templates as routing does

            // Server functions ([UseServer]): the table of action ids, the handler of calls, their options.
            services.AddDataProtection();
            services.AddOptions<ServerFunctionOptions>().BindConfiguration("Strata:ServerFunctions");
            services.AddSingleton<Strata.AspNetCore.Server.ServerFunctionTable>();
            services.AddSingleton<Strata.AspNetCore.Server.ServerActionHandler>();

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

    internal sealed class StrataAspNetCoreMarker;
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
            if (app.ApplicationServices.GetService<StrataAspNetCoreMarker>() is null)
            {
                throw new InvalidOperationException(WebErrorMessages.UseStrataWithoutServices);
            }

            return app.UseMiddleware<StrataRequestMiddleware>();
        }
    }
}
