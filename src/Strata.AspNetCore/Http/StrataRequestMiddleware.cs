using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Strata.AspNetCore.Components;
using Strata.AspNetCore.Server;
using Microsoft.Extensions.Options;

namespace Strata.AspNetCore.Http;

/// <summary>
/// The request scope (<c>app.UseStrata()</c>): for every request it opens the engine's <see cref="CacheRequest"/> with the
/// request data, the phase (a Razor component page renders, a Blazor form post is a server action, any other endpoint is a
/// handler), the route template and the implicit tags of the path; sets the cache headers as the response starts; and waits
/// for the tag updates the request started before it ends. WebSocket and SignalR connections get no request scope.
/// </summary>
internal sealed class StrataRequestMiddleware(RequestDelegate next, CacheRuntime runtime, IOptions<AntiforgeryOptions> antiforgery, ServerActionHandler actions)
{
    private readonly string? _antiforgeryCookie = antiforgery.Value.Cookie.Name;

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
        var path = context.Request.Path.HasValue ? context.Request.Path.Value! : "/";
        var route = RouteTemplates.Of(endpoint) ?? path;
        var call = await ServerActionHandler.DetectAsync(context);
        var phase = call != ServerCall.None ? CacheRequestPhase.Action
            : !isComponentEndpoint ? CacheRequestPhase.Handler
            : HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType ? CacheRequestPhase.Action
            : CacheRequestPhase.Render;

        using var request = runtime.BeginRequest(new HttpRequestData(context), phase, route, ImplicitTags.ForRequest(route, path));
        if (call != ServerCall.None)
        {
            if (await actions.HandleAsync(context, call, request))
            {
                await request.CompleteAsync();
                return;
            }

            // A form call succeeded: the page is rendered after it, as a GET (Next.js renders the page after an action;
            // the tags it revalidated are expired for this request, so the page reads its own writes).
            request.Phase = isComponentEndpoint ? CacheRequestPhase.Render : CacheRequestPhase.Handler;
            context.Request.Method = HttpMethods.Get;
        }

        PageRefresh? refresh = null;
        if (phase == CacheRequestPhase.Action && call == ServerCall.None)
        {
            refresh = new PageRefresh(context, endpoint!.Metadata.GetMetadata<RootComponentMetadata>()?.Type);
            request.Revalidated = refresh.RevalidatedAsync;
        }

        var web = new StrataWebRequest(context, request, isComponentEndpoint, _antiforgeryCookie, refresh);
        context.Features.Set(web);
        if (call != ServerCall.None)
        {
            web.MarkDynamic("a server function ran in this request");
        }

        context.Response.OnStarting(static state => ((StrataWebRequest)state).ApplyHeaders(), web);
        await next(context);
        await request.CompleteAsync();
    }
}
