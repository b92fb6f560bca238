using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Strata.AspNetCore.Http;

/// <summary>
/// <c>HEAD</c> requests to pages: Razor component endpoints are mapped for GET (and POST) only, so a HEAD request found no
/// page. Before routing, a HEAD request is routed as the GET it mirrors (RFC 9110 §9.3.2) and its body is discarded; after
/// routing, <see cref="StrataRequestMiddleware"/> gives endpoints other than pages their HEAD back
/// (<see cref="RestoreUnlessPage"/>). So a page answers HEAD with the GET's status and headers, and no body.
/// </summary>
internal sealed class HeadRequests : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static (context, next) =>
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Request.Method = HttpMethods.Get;
                var body = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
                context.Features.Set<IHttpResponseBodyFeature>(new DiscardedBody(body));
                context.Features.Set(Marker.Instance);
            }

            return next(context);
        });
        next(app);
    };

    /// <summary>Whether the request came as HEAD.</summary>
    public static bool IsHead(HttpContext context) => context.Features.Get<Marker>() is not null;

    /// <summary>After routing: an endpoint that is not a page sees the HEAD it was sent.</summary>
    public static void RestoreUnlessPage(HttpContext context, bool isPage)
    {
        if (!isPage && IsHead(context))
        {
            context.Request.Method = HttpMethods.Head;
        }
    }

    private sealed class Marker
    {
        public static readonly Marker Instance = new();
    }

    /// <summary>The response body of a HEAD request: writes go nowhere; starting and completing reach the server as for GET.</summary>
    private sealed class DiscardedBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
    {
        public Stream Stream => Stream.Null;

        public PipeWriter Writer => field ??= PipeWriter.Create(Stream.Null);

        public Task CompleteAsync() => inner.CompleteAsync();

        public void DisableBuffering() => inner.DisableBuffering();

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
    }
}
