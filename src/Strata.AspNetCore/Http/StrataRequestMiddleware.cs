using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Strata.AspNetCore.Components;
using Strata.AspNetCore.Server;
using Strata.AspNetCore.Shell;
using Microsoft.Extensions.Options;

namespace Strata.AspNetCore.Http;

/// <summary>
/// The request scope (<c>app.UseStrata()</c>): a GET of a page that has a static shell gets the shell's bytes
/// (<see cref="ShellStore"/>); every other request runs in the engine's <see cref="CacheRequest"/> with the request data,
/// the phase (a Razor component page renders, a Blazor form post is a server action, any other endpoint is a handler), the
/// route template and the implicit tags of the path; the cache headers are set as the response starts; and the tag updates
/// the request started are awaited before it ends. WebSocket and SignalR connections get no request scope.
/// </summary>
internal sealed class StrataRequestMiddleware(
    RequestDelegate next, CacheRuntime runtime, IOptions<AntiforgeryOptions> antiforgery, ShellStore shells, ServerActionHandler actions)
{
    private readonly string? _antiforgeryCookie = antiforgery.Value.Cookie.Name;

    /// <summary>Renders a page whose shell was sent, for its streamed parts (<see cref="ShellStore.TryServe"/>).</summary>
    private RequestDelegate RenderHoles => field ??= async context => await RunAsync(runtime, _antiforgeryCookie, context, context.GetEndpoint(), isComponentEndpoint: true, next, actions);

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (context.WebSockets.IsWebSocketRequest || endpoint?.Metadata.GetMetadata<HubMetadata>() is not null)
        {
            // A long-lived connection (an interactive circuit, a SignalR hub) is not one request: no request scope, or its
            // per-request dedupe would hold results for the life of the connection.
            await next(context);
            return;
        }

        var isComponentEndpoint = endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;
        if (!isComponentEndpoint && context.Request.Headers.ContainsKey(StrataWebRequest.PrefetchHeader))
        {
            // The router cache prefetches links to pages; an endpoint behind a link (a GET that sets a cookie, signs out...)
            // is never run by a prefetch: it would act without the user clicking.
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        HeadRequests.RestoreUnlessPage(context, isComponentEndpoint);
        if (isComponentEndpoint && shells.TryServe(context, RenderHoles, out var served))
        {
            await served;
            return;
        }

        await RunAsync(runtime, _antiforgeryCookie, context, endpoint, isComponentEndpoint, next, actions);
        if (isComponentEndpoint)
        {
            shells.Rendered(context, endpoint!);
        }
    }

    /// <summary>
    /// Runs <paramref name="next"/> in a request scope, after the server function the request calls, if any (<paramref name="actions"/>).
    /// While prerendering (<paramref name="actions"/> is <see langword="null"/>) there is no server to start the response, so
    /// the headers are applied when the page has been rendered. <see langword="null"/> when a server function call answered
    /// the request itself.
    /// </summary>
    internal static async Task<StrataWebRequest?> RunAsync(
        CacheRuntime runtime, string? antiforgeryCookie, HttpContext context, Endpoint? endpoint, bool isComponentEndpoint, RequestDelegate next, ServerActionHandler? actions)
    {
        var prerender = actions is null;
        var path = context.Request.Path.HasValue ? context.Request.Path.Value! : "/";
        var route = RouteTemplates.Of(endpoint) ?? path;
        var call = prerender ? ServerCall.None : await ServerActionHandler.DetectAsync(context);
        var phase = call != ServerCall.None ? CacheRequestPhase.Action
            : !isComponentEndpoint ? CacheRequestPhase.Handler
            : HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType ? CacheRequestPhase.Action
            : CacheRequestPhase.Render;

        using var request = runtime.BeginRequest(new HttpRequestData(context), phase, route, ImplicitTags.ForRequest(route, path));
        request.IsRouteHandler = phase == CacheRequestPhase.Handler; // private caches are not available in endpoints
        request.IsPrerender = prerender;
        if (call != ServerCall.None)
        {
            if (await actions!.HandleAsync(context, call, request))
            {
                await request.CompleteAsync();
                return null;
            }

            // A form call succeeded: the page is rendered after it, as a GET (Next.js renders the page after an action;
            // the tags it revalidated are expired for this request, so the page reads its own writes).
            request.Phase = isComponentEndpoint ? CacheRequestPhase.Render : CacheRequestPhase.Handler;
            request.IsRouteHandler = !isComponentEndpoint;
            context.Request.Method = HttpMethods.Get;
        }

        PageRefresh? refresh = null;
        if (phase == CacheRequestPhase.Action && call == ServerCall.None)
        {
            refresh = new PageRefresh(context, endpoint!.Metadata.GetMetadata<RootComponentMetadata>()?.Type);
            request.Revalidated = refresh.RevalidatedAsync;
        }

        var web = new StrataWebRequest(context, request, isComponentEndpoint, antiforgeryCookie, refresh);
        context.Features.Set(web);
        if (call != ServerCall.None)
        {
            web.MarkDynamic("a server function ran in this request");
        }
        else if (isComponentEndpoint && ForceDynamicAttribute.IsOn(endpoint))
        {
            web.MarkDynamic("the page is marked [ForceDynamic]");
        }

        if (!prerender)
        {
            context.Response.OnStarting(static state => ((StrataWebRequest)state).ApplyHeaders(), web);
        }

        await next(context);
        if (prerender)
        {
            await web.ApplyHeaders();
        }
        else
        {
            await Overlay.CacheOverlay.WritePageAsync(web); // before the stale-time trailer, which the router cache reads at the very end
            await web.WriteStaleTimeTrailerAsync();
        }

        await request.CompleteAsync();
        return web;
    }
}
