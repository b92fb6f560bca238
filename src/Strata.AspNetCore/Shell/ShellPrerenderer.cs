using System.Collections.Concurrent;
using System.IO.Hashing;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Strata.AspNetCore.Http;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// Makes static shells: once the application has started (in the background, so readiness is not delayed), every page
/// without route parameters is rendered through its endpoint in a request scope marked as a prerender, with no visitor
/// (no cookies, headers or query), at most <see cref="StaticShellOptions.PrerenderConcurrency"/> at a time; and again when
/// <see cref="ShellStore"/> finds a shell stale or expired. A page becomes a shell when it rendered completely (no part still
/// streaming), read no request data and no private cache, and every application component outside its cached components
/// only renders its parameters (one that injects a service or loads data in a lifecycle method may read what no cache
/// tracks). Otherwise it stays dynamic, and the reason is logged.
/// </summary>
internal sealed partial class ShellPrerenderer : IHostedService
{
    private const string EnhancedNavigationAccept = "text/html; blazor-enhanced-nav=on";

    private static readonly HashSet<string> RequestOnlyHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Date, HeaderNames.Server, HeaderNames.SetCookie, HeaderNames.ContentLength, HeaderNames.TransferEncoding, HeaderNames.ETag,
    };

    private readonly ShellStore _store;
    private readonly CacheRuntime _runtime;
    private readonly IServiceScopeFactory _scopes;
    private readonly EndpointDataSource _endpoints;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly IHttpContextAccessor _accessor;
    private readonly ILogger _logger;
    private readonly string? _antiforgeryCookie;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, RouteEndpoint> _routes = new(StringComparer.OrdinalIgnoreCase);

    public ShellPrerenderer(
        ShellStore store, CacheRuntime runtime, IServiceScopeFactory scopes, EndpointDataSource endpoints, IHostApplicationLifetime lifetime,
        IHttpContextAccessor accessor, IOptions<StaticShellOptions> options, IOptions<AntiforgeryOptions> antiforgery, ILogger<ShellPrerenderer> logger)
    {
        _store = store;
        _runtime = runtime;
        _scopes = scopes;
        _endpoints = endpoints;
        _lifetime = lifetime;
        _accessor = accessor;
        _logger = logger;
        _antiforgeryCookie = antiforgery.Value.Cookie.Name;
        _slots = new SemaphoreSlim(Math.Max(1, options.Value.PrerenderConcurrency));
        store.Regenerate = Schedule;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_store.NotSupportedReason is { } reason)
        {
            LogOff(reason);
            _started.TrySetResult();
            return Task.CompletedTask;
        }

        _lifetime.ApplicationStarted.Register(() => _ = Task.Run(PrerenderAllAsync));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await WhenIdleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when the prerender after start-up and every regeneration asked for so far have ended (tests, shutdown).</summary>
    public async Task WhenIdleAsync()
    {
        await _started.Task.ConfigureAwait(false);
        while (!_running.IsEmpty)
        {
            await Task.WhenAll(_running.Values).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the shell of <paramref name="path"/> again, unless that is already under way.</summary>
    public void Schedule(string path)
    {
        if (_stopping.IsCancellationRequested || !_routes.TryGetValue(path, out var endpoint) || _running.ContainsKey(path))
        {
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_running.TryAdd(path, done.Task))
        {
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            // Not the flow of the request that asked for it: the prerender sets its own HttpContext for the accessor.
            _ = Task.Run(async () =>
            {
                try
                {
                    await PrerenderAsync(endpoint, path).ConfigureAwait(false);
                }
                finally
                {
                    _running.TryRemove(path, out _);
                    done.TrySetResult();
                }
            });
        }
    }

    private async Task PrerenderAllAsync()
    {
        try
        {
            var routes = new Dictionary<string, RouteEndpoint>(StringComparer.OrdinalIgnoreCase);
            foreach (var endpoint in _endpoints.Endpoints.OfType<RouteEndpoint>())
            {
                if (StaticPath(endpoint) is { } path)
                {
                    routes.TryAdd(path, endpoint);
                }
            }

            _routes = routes;
            foreach (var path in routes.Keys)
            {
                Schedule(path);
            }
        }
        catch (Exception ex)
        {
            LogFailed("(routes)", ex);
        }
        finally
        {
            _started.TrySetResult();
        }
    }

    /// <summary>The path of a page endpoint without route parameters that answers GET and needs no authorization; otherwise <see langword="null"/>.</summary>
    private static string? StaticPath(RouteEndpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<ComponentTypeMetadata>() is null || metadata.GetMetadata<IAuthorizeData>() is not null ||
            metadata.GetMetadata<IHttpMethodMetadata>() is { } methods && !methods.HttpMethods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase) ||
            endpoint.RoutePattern.Parameters.Count > 0)
        {
            return null;
        }

        var segments = endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.OfType<RoutePatternLiteralPart>().Select(p => p.Content)));
        return "/" + string.Join('/', segments);
    }

    private async Task PrerenderAsync(RouteEndpoint endpoint, string path)
    {
        try
        {
            await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var document = await RenderStaticAsync(endpoint, path, enhanced: false).ConfigureAwait(false);
            if (document?.Request.Entries is { } built && built.StaleAt < _store.NowMs)
            {
                // It was built from a stale entry, whose refresh is under way: wait for it and render again (once).
                await _runtime.FlushAsync().ConfigureAwait(false);
                document = await RenderStaticAsync(endpoint, path, enhanced: false).ConfigureAwait(false);
            }

            var enhanced = document is null ? null : await RenderStaticAsync(endpoint, path, enhanced: true).ConfigureAwait(false);
            if (document is null || enhanced is null)
            {
                return;
            }

            var request = document.Request;
            var entries = request.Entries ?? (_store.NowMs, long.MaxValue, long.MaxValue);
            var tags = request.Tags.Concat(request.ImplicitTags).Distinct(StringComparer.Ordinal).ToArray();
            _store.Set(new StaticShell(path, Response(document.Page), Response(enhanced.Page), tags, entries.Oldest, entries.StaleAt, entries.ExpireAt, _store.Handlers.Length));
            LogPrerendered(path, document.Page.Body.Length);
        }
        catch (Exception ex)
        {
            _store.Remove(path);
            LogFailed(path, ex);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>One variant of the page, or <see langword="null"/> (its shell removed, the reason logged) when it is not static.</summary>
    private async Task<Prerendered?> RenderStaticAsync(RouteEndpoint endpoint, string path, bool enhanced)
    {
        var (page, web) = await RenderAsync(endpoint, path, enhanced).ConfigureAwait(false);
        if (NotStatic(page, web) is { } reason)
        {
            _store.Remove(path);
            LogNotStatic(path, reason);
            return null;
        }

        return new Prerendered(page, web!.Request);
    }

    /// <summary>
    /// Renders the page as a visitor without cookies would get it, through its endpoint, in a request scope marked as a
    /// prerender. When the page starts streaming (a <c>[StreamRendering]</c> part still loading when the rest was ready), it
    /// is not waited for: it is not a static shell, and its render ends in the background.
    /// </summary>
    private async Task<(Rendered Page, StrataWebRequest? Web)> RenderAsync(RouteEndpoint endpoint, string path, bool enhanced)
    {
        var scope = _scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Scheme = "http";
        request.Host = new HostString("localhost");
        request.Path = path;
        request.Headers.Accept = enhanced ? EnhancedNavigationAccept : "text/html";
        var body = new ShellBody(context.Response);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        context.SetEndpoint(endpoint);
        _accessor.HttpContext = context; // this flow only: each prerender runs in a task of its own

        var run = StrataRequestMiddleware.RunAsync(_runtime, _antiforgeryCookie, context, endpoint, isComponentEndpoint: true, endpoint.RequestDelegate!, actions: null);
        if (await Task.WhenAny(run, body.Streaming).ConfigureAwait(false) != run)
        {
            _ = run.ContinueWith(static async (t, state) =>
            {
                _ = t.Exception;
                await ((AsyncServiceScope)state!).DisposeAsync().ConfigureAwait(false);
            }, scope, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return (new Rendered(StatusCodes.Status200OK, context.Response.ContentType, [], [], Streamed: true), null);
        }

        try
        {
            var web = await run.ConfigureAwait(false);
            var headers = context.Response.Headers.Where(h => !RequestOnlyHeaders.Contains(h.Key)).ToArray();
            return (new Rendered(context.Response.StatusCode, context.Response.ContentType, body.ToArray(), headers, Streamed: false), web);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Why the rendered page cannot be a static shell, or <see langword="null"/>.</summary>
    private static string? NotStatic(Rendered page, StrataWebRequest? web)
    {
        if (page.Streamed || web is null)
        {
            return "part of it is streamed (a [StreamRendering] component was still loading when the rest was ready); " +
                "streaming parts into a static shell is not supported yet";
        }

        return page.Status != StatusCodes.Status200OK ? $"it answered {page.Status}"
            : page.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true ? "it is not HTML"
            : web.DynamicBecause(web.HttpContext.Response) ?? web.NotStaticReason;
    }

    private static ShellResponse Response(Rendered page)
    {
        var etag = "\"" + Convert.ToHexStringLower(XxHash3.Hash(page.Body)) + "\"";
        return new ShellResponse(page.Body, page.Headers, etag);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Static shell of {Path}: {Bytes} bytes, served from memory.")]
    private partial void LogPrerendered(string path, int bytes);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "No static shell for {Path}: {Reason}. It is rendered on every request.")]
    private partial void LogNotStatic(string path, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Prerendering {Path} failed; it is rendered on every request until a prerender succeeds.")]
    private partial void LogFailed(string path, Exception exception);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "The static shell is off: {Reason}.")]
    private partial void LogOff(string reason);

    private sealed record Prerendered(Rendered Page, CacheRequest Request);

    private sealed record Rendered(int Status, string? ContentType, byte[] Body, KeyValuePair<string, StringValues>[] Headers, bool Streamed);

    /// <summary>
    /// The body of a prerender: the bytes in memory, and a signal when the page starts streaming (Blazor marks a streaming
    /// response with <c>Content-Encoding: identity</c> before it writes the first part).
    /// </summary>
    private sealed class ShellBody(HttpResponse response) : MemoryStream
    {
        private readonly TaskCompletionSource _streaming = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Streaming => _streaming.Task;

        public override void Write(byte[] buffer, int offset, int count)
        {
            Check();
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check();
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check();
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check();
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Check()
        {
            if (response.Headers.ContentEncoding == "identity")
            {
                _streaming.TrySetResult();
            }
        }
    }
}
