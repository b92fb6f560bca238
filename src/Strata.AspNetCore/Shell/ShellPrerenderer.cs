using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Reflection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
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
/// without route parameters, and every value a page's <c>[StaticParams]</c> method lists (<see cref="StaticParams"/>), is
/// rendered through its endpoint in a request scope marked as a prerender, with no visitor (no cookies, headers or query),
/// at most <see cref="StaticShellOptions.PrerenderConcurrency"/> at a time; again when <see cref="ShellStore"/> finds a
/// shell stale or expired; and, for a value not listed, after a request rendered it. A page becomes a shell when it
/// rendered completely (no part still streaming), read no request data and no private cache, and every application component outside its cached components
/// only renders its parameters (one that injects a service or loads data in a lifecycle method may read what no cache
/// tracks). Otherwise it stays dynamic, and the reason is logged.
/// </summary>
internal sealed partial class ShellPrerenderer : IHostedService
{
    private const string EnhancedNavigationAccept = "text/html; blazor-enhanced-nav=on";
    private const string FramingHeader = "ssr-framing";

    /// <summary>Blazor's renderer for Razor component endpoints (a scoped service): the shell capture asks it where components are.</summary>
    private static readonly Type? EndpointRenderer = typeof(RazorComponentsServiceOptions).Assembly.GetType("Microsoft.AspNetCore.Components.Endpoints.EndpointHtmlRenderer");

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
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, ShellRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Endpoint, byte> _paramPages = new();
    private readonly TemplateBinderFactory _binders;
    private readonly int _maxOnDemand;
    private int _onDemand;

    public ShellPrerenderer(
        ShellStore store, CacheRuntime runtime, IServiceScopeFactory scopes, EndpointDataSource endpoints, IHostApplicationLifetime lifetime,
        IHttpContextAccessor accessor, IOptions<StaticShellOptions> options, IOptions<AntiforgeryOptions> antiforgery, TemplateBinderFactory binders,
        ILogger<ShellPrerenderer> logger)
    {
        _binders = binders;
        _maxOnDemand = options.Value.MaxOnDemandShells;
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
        store.RenderedOnDemand = OnDemand;
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
        if (_store.Backplanes.Length > 0)
        {
            _ = Task.Run(ConfirmTagsAsync);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Keeps the tag backplanes' tag state confirmed while shells answer requests without reading any cache (each read
    /// checks it otherwise): a tag check every quarter of the shortest bound, at most every second. One small round trip per
    /// period per instance, not per request; an invalidation made elsewhere usually arrives sooner, by message.
    /// </summary>
    private async Task ConfirmTagsAsync()
    {
        var bound = _store.Backplanes.Min(b => b.MaxTagStaleness.TotalMilliseconds);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(bound / 4, 10, 1000)));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (var handler in _store.Backplanes.OfType<ICacheHandler>())
                {
                    await handler.RefreshTagsAsync(_stopping.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
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
        if (_stopping.IsCancellationRequested || !_routes.TryGetValue(path, out var route) || _running.ContainsKey(path))
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
                    await PrerenderAsync(route, path).ConfigureAwait(false);
                }
                finally
                {
                    _running.TryRemove(path, out _);
                    done.TrySetResult();
                }
            });
        }
    }

    /// <summary>
    /// Every page without route parameters, and every value a page's <c>[StaticParams]</c> method lists (called once per page,
    /// with services from a scope), is prerendered.
    /// </summary>
    private async Task PrerenderAllAsync()
    {
        try
        {
            var listed = new Dictionary<Type, (string Provider, List<object?> Values)?>();
            foreach (var endpoint in _endpoints.Endpoints.OfType<RouteEndpoint>())
            {
                if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not { } page || !Prerenderable(endpoint))
                {
                    continue;
                }

                if (endpoint.RoutePattern.Parameters.Count == 0)
                {
                    var segments = endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.OfType<RoutePatternLiteralPart>().Select(p => p.Content)));
                    _routes.TryAdd("/" + string.Join('/', segments), new ShellRoute(endpoint, Values: null));
                }
                else
                {
                    await AddListedAsync(endpoint, page.Type, listed).ConfigureAwait(false);
                }
            }

            foreach (var path in _routes.Keys)
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

    /// <summary>Whether a page endpoint answers GET, needs no authorization and is not <c>[ForceDynamic]</c>.</summary>
    private static bool Prerenderable(RouteEndpoint endpoint) =>
        !ShellMiddleware.RequiresAuthorization(endpoint.Metadata, fallback: null) && !ForceDynamicAttribute.IsOn(endpoint) &&
        (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods || methods.HttpMethods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// The paths of the values the page's <c>[StaticParams]</c> method lists for the route of <paramref name="endpoint"/>; a
    /// method of the wrong shape, or a value that does not fit the route, is logged (event 47) and nothing of it prerendered.
    /// </summary>
    private async Task AddListedAsync(RouteEndpoint endpoint, Type page, Dictionary<Type, (string Provider, List<object?> Values)?> listed)
    {
        var route = endpoint.RoutePattern.RawText ?? page.Name;
        try
        {
            if (!listed.TryGetValue(page, out var found))
            {
                // One call per page, whatever its number of routes.
                listed[page] = null;
                if (StaticParams.Find(page) is not { } method)
                {
                    return;
                }

                await using var scope = _scopes.CreateAsyncScope();
                listed[page] = found = ($"{page.Name}.{method.Name}", await StaticParams.ListAsync(method, scope.ServiceProvider, _stopping.Token).ConfigureAwait(false));
            }

            if (found is not var (provider, values))
            {
                return;
            }

            var binder = _binders.Create(endpoint.RoutePattern);
            var paths = values.Select(v => StaticParams.Bind(endpoint, binder, v, provider)).ToArray();
            foreach (var (path, routeValues) in paths)
            {
                _routes.TryAdd(path, new ShellRoute(endpoint, routeValues));
            }

            _paramPages.TryAdd(endpoint, 0);
            LogListed(route, paths.Length);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var cause = (ex as TargetInvocationException)?.InnerException ?? ex;
            LogStaticParamsFailed(route, cause.Message, cause);
        }
    }

    /// <summary>
    /// A request rendered a value the page's <c>[StaticParams]</c> method did not list (and answered 200): it is prerendered
    /// too, as Next.js generates such a page on demand and keeps it, up to <see cref="StaticShellOptions.MaxOnDemandShells"/>
    /// values (each tried once), so that requests for made-up values cannot fill the memory.
    /// </summary>
    private void OnDemand(string path, Endpoint endpoint, RouteValueDictionary values)
    {
        if (!_paramPages.ContainsKey(endpoint) || _routes.ContainsKey(path) || endpoint is not RouteEndpoint route)
        {
            return;
        }

        if (Volatile.Read(ref _onDemand) > _maxOnDemand)
        {
            return;
        }

        var count = Interlocked.Increment(ref _onDemand);
        if (count > _maxOnDemand)
        {
            if (count == _maxOnDemand + 1)
            {
                LogOnDemandFull(_maxOnDemand);
            }

            return;
        }

        if (_routes.TryAdd(path, new ShellRoute(route, new RouteValueDictionary(values))))
        {
            Schedule(path);
        }
    }

    private async Task PrerenderAsync(ShellRoute route, string path)
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
            var document = await RenderStaticAsync(route, path, enhanced: false).ConfigureAwait(false);
            if (document?.Entries is { } built && built.StaleAt < _store.NowMs)
            {
                // It was built from a stale entry, whose refresh is under way: wait for it and render again (once).
                await _runtime.FlushAsync().ConfigureAwait(false);
                document = await RenderStaticAsync(route, path, enhanced: false).ConfigureAwait(false);
            }

            var enhanced = document is null ? null : await RenderStaticAsync(route, path, enhanced: true).ConfigureAwait(false);
            if (document is null || enhanced is null)
            {
                return;
            }

            var entries = document.Entries ?? (_store.NowMs, long.MaxValue, long.MaxValue);
            var tags = document.Tags.Union(enhanced.Tags, StringComparer.Ordinal).ToArray();
            _store.Set(new StaticShell(path, Response(document), Response(enhanced), tags, entries.Oldest, entries.StaleAt, entries.ExpireAt, _store.Handlers.Length));
            if (document.Holes is { } holes)
            {
                LogPrerenderedWithHoles(path, document.Body.Length, holes.Boundaries.Length);
            }
            else
            {
                LogPrerendered(path, document.Body.Length);
            }
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
    private async Task<Rendered?> RenderStaticAsync(ShellRoute route, string path, bool enhanced)
    {
        if (_store.IsDynamic(path))
        {
            return null;
        }

        var page = PerResponseMarkup(await RenderAsync(route, path, enhanced).ConfigureAwait(false));
        if (page.NotStatic is { } reason)
        {
            _store.Remove(path);
            if (page.ReadsRequestData)
            {
                LogRequestDataOutsideBoundary(path, reason);
            }
            else
            {
                LogNotStatic(path, reason);
            }

            return null;
        }

        return page;
    }

    /// <summary>
    /// Renders the page as a visitor without cookies would get it, through its endpoint, in a request scope marked as a
    /// prerender. When the page streams (a <c>[StreamRendering]</c> part still loading when the rest was ready), the shell is
    /// what Blazor flushed before the first streamed part, judged at that moment (<see cref="ShellCapture"/>); the streamed
    /// parts are not waited for (they are rendered for each request) and the render ends in the background.
    /// </summary>
    private async Task<Rendered> RenderAsync(ShellRoute route, string path, bool enhanced)
    {
        var endpoint = route.Endpoint;
        var scope = _scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Scheme = "http";
        request.Host = new HostString("localhost");
        request.Path = path;
        request.Headers.Accept = enhanced ? EnhancedNavigationAccept : "text/html";
        if (route.Values is { } values)
        {
            request.RouteValues = new RouteValueDictionary(values);
        }
#pragma warning disable BL0006 // the shell capture asks it where components are; its dispatcher tells when the first part is written
        var renderer = EndpointRenderer is { } type ? scope.ServiceProvider.GetService(type) as Renderer : null;
        var capture = new ShellCapture(renderer);
        context.Features.Set(capture);
        ShellBody? body = null;
        body = new ShellBody(context.Response, () => Judge(context, capture, body!, streamed: true), renderer?.Dispatcher);
#pragma warning restore BL0006
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        context.SetEndpoint(endpoint);
        _accessor.HttpContext = context; // this flow only: each prerender runs in a task of its own

        var run = StrataRequestMiddleware.RunAsync(_runtime, _antiforgeryCookie, context, endpoint, isComponentEndpoint: true, endpoint.RequestDelegate!, actions: null);
        await Task.WhenAny(run, body.Cut).ConfigureAwait(false);
        if (body.Cut.IsCompleted)
        {
            _ = run.ContinueWith(static async (t, state) =>
            {
                _ = t.Exception;
                await ((AsyncServiceScope)state!).DisposeAsync().ConfigureAwait(false);
            }, scope, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return await body.Cut.ConfigureAwait(false);
        }

        try
        {
            await run.ConfigureAwait(false);
            return Judge(context, capture, body, streamed: false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the prerender made of the page: its bytes (unless <paramref name="streamed"/>: then it is called at the first
    /// byte Blazor writes, on the renderer's dispatcher, and the bytes are added when the shell is cut), the headers it would
    /// send, what it was built from, and why it cannot be a shell, if so.
    /// </summary>
    private static Rendered Judge(HttpContext context, ShellCapture capture, ShellBody body, bool streamed)
    {
        var response = context.Response;
        if (StrataWebRequest.Of(context) is not { } web)
        {
            return new Rendered([], [], [], "it answered a server function call", ReadsRequestData: false);
        }

        var request = web.Request;
        capture.Cut();
        if (streamed)
        {
            web.ApplyHeaders(); // as a request's response starts: before the first streamed part
        }

        var readsRequest = capture.RequestDataReason; // every read is noted there (CacheRequest.RequestDataRead), with its reader
        var reason = readsRequest
            ?? (response.StatusCode != StatusCodes.Status200OK ? $"it answered {response.StatusCode}"
            : response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true ? "it is not HTML"
            : web.DynamicBecause(response, shell: true) ?? capture.UncachedWorkReason ?? web.NotStaticReason);
        if (!streamed && reason is null && capture.HasRequestTimeParts)
        {
            // Nothing was still loading, but a streaming boundary shows request data: a shell with holes all the same,
            // whose first part is the whole page. Its response depends on the visitor.
            response.Headers.CacheControl = StrataWebRequest.PrivateCacheControl;
        }

        var headers = response.Headers.Where(h => !RequestOnlyHeaders.Contains(h.Key)).ToArray();
        var tags = request.Tags.Concat(request.ImplicitTags).Distinct(StringComparer.Ordinal).ToArray();
        var framing = response.Headers[FramingHeader].ToString() is { Length: > 0 } id ? id : null;
        var bytes = streamed ? [] : body.ToArray();
        return new Rendered(bytes, headers, tags, reason, readsRequest is not null)
        {
            Entries = request.Entries,
            Framing = framing,
            Holes = !streamed && reason is null && capture.HasRequestTimeParts ? ShellHoles.Of(bytes, framing) : null,
        };
    }

    /// <summary>
    /// What Blazor writes for one response only does not go into a shell served to every visitor. An interactive
    /// component's marker is made per response (a Server marker is protected and expires), so such a page is not static.
    /// The persisted component state Blazor adds to every page of an app with an interactive render mode (it carries the
    /// prerender's antiforgery token, encrypted) is left out: a page without interactive components has nothing to
    /// restore from it, and one visitor's token must not be served to another.
    /// </summary>
    private static Rendered PerResponseMarkup(Rendered page)
    {
        if (page.NotStatic is not null)
        {
            return page;
        }

        var body = page.Body.AsSpan();
        if (body.IndexOf(InteractiveMarker) >= 0)
        {
            return page with { NotStatic = "it renders an interactive component, whose marker Blazor makes for each response" };
        }

        if (page.Holes is not null)
        {
            return page;
        }

        var stripped = body.ToArray();
        foreach (var prefix in (ReadOnlySpan<byte[]>)[ServerStatePrefix, WebAssemblyStatePrefix])
        {
            var start = stripped.AsSpan().IndexOf(prefix);
            var end = start < 0 ? -1 : stripped.AsSpan(start).IndexOf("-->"u8);
            if (end >= 0)
            {
                stripped = [.. stripped.AsSpan(0, start), .. stripped.AsSpan(start + end + 3)];
            }
        }

        return page with { Body = stripped };
    }

    private static ReadOnlySpan<byte> InteractiveMarker => "<!--Blazor:{"u8;

    private static readonly byte[] ServerStatePrefix = "<!--Blazor-Server-Component-State:"u8.ToArray();

    private static readonly byte[] WebAssemblyStatePrefix = "<!--Blazor-WebAssembly-Component-State:"u8.ToArray();

    private static ShellResponse Response(Rendered page)
    {
        var etag = "\"" + Convert.ToHexStringLower(XxHash3.Hash(page.Body)) + "\"";
        return new ShellResponse(page.Body, page.Headers, etag, page.Holes);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Static shell of {Path}: {Bytes} bytes, served from memory.")]
    private partial void LogPrerendered(string path, int bytes);

    [LoggerMessage(EventId = 46, Level = LogLevel.Information, Message = "Static shell of {Path}: {Bytes} bytes served from memory, then {Holes} streamed part(s) rendered for each request.")]
    private partial void LogPrerenderedWithHoles(string path, int bytes, int holes);

    [LoggerMessage(
        EventId = 44, Level = LogLevel.Error,
        Message = "Route {Path}: {Reason} outside a streaming boundary while the page was prerendered (Next.js: \"Uncached data was accessed outside of <Suspense>\"). " +
            "What it shows would be frozen into the static shell for every visitor, so the page is rendered on every request instead. " +
            "Read request data in a [StreamRendering] component (or a component it renders): the shell then holds what that component renders before its first await, " +
            "and what it renders for each visitor is streamed in. See docs/web/static-shell.md#request-data-outside-a-streaming-boundary.")]
    private partial void LogRequestDataOutsideBoundary(string path, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "No static shell for {Path}: {Reason}. It is rendered on every request.")]
    private partial void LogNotStatic(string path, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Prerendering {Path} failed; it is rendered on every request until a prerender succeeds.")]
    private partial void LogFailed(string path, Exception exception);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "The static shell is off: {Reason}.")]
    private partial void LogOff(string reason);

    [LoggerMessage(EventId = 47, Level = LogLevel.Error, Message = "Route {Route}: the page's [StaticParams] method failed: {Reason} None of its values is prerendered (each is rendered on demand). See docs/web/static-shell.md#route-parameters-staticparams.")]
    private partial void LogStaticParamsFailed(string route, string reason, Exception exception);

    [LoggerMessage(EventId = 48, Level = LogLevel.Information, Message = "Route {Route}: [StaticParams] listed {Count} value(s) to prerender.")]
    private partial void LogListed(string route, int count);

    [LoggerMessage(EventId = 49, Level = LogLevel.Warning, Message = "{Max} values that [StaticParams] methods did not list have been prerendered on demand (Strata:StaticShell:MaxOnDemandShells); other unlisted values are rendered on every request.")]
    private partial void LogOnDemandFull(int max);

    /// <summary>A path to prerender: its page's endpoint and, for a route with parameters, the route values a request for it gets.</summary>
    private sealed record ShellRoute(RouteEndpoint Endpoint, RouteValueDictionary? Values);

    /// <summary>A prerendered variant: its bytes and headers, its streaming boundaries when it streams, the tags and entries it was built from, and why it cannot be a shell.</summary>
    private sealed record Rendered(byte[] Body, KeyValuePair<string, StringValues>[] Headers, string[] Tags, string? NotStatic, bool ReadsRequestData)
    {
        /// <summary>What the entries it was built from say (<see cref="CacheRequest.Entries"/>).</summary>
        public (long Oldest, long StaleAt, long ExpireAt)? Entries { get; init; }

        /// <summary>Blazor's framing id of an enhanced-navigation response that streams, or <see langword="null"/>.</summary>
        public string? Framing { get; init; }

        /// <summary>The streaming boundaries when the page streams (a shell with holes), or <see langword="null"/>.</summary>
        public ShellHoles? Holes { get; init; }
    }

    /// <summary>
    /// The body of a prerender: the bytes in memory, and the shell cut when the page starts streaming. Blazor marks a
    /// streaming response with <c>Content-Encoding: identity</c>, renders the first part, and writes it in one go on the
    /// renderer's dispatcher; each streamed part is a later write that starts with <c>&lt;blazor-ssr&gt;</c>. At the first
    /// write the page is judged (<paramref name="judge"/>: what it read until then is what the shell shows); the bytes of
    /// the shell end at the first streamed part or when the dispatcher is next free (<paramref name="dispatcher"/>), whichever
    /// comes first.
    /// </summary>
    private sealed class ShellBody(HttpResponse response, Func<Rendered> judge, Dispatcher? dispatcher) : MemoryStream
    {
        private static readonly byte[] StreamedPart = "<blazor-ssr>"u8.ToArray();

        private readonly TaskCompletionSource<Rendered> _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Rendered? _judged;

        public Task<Rendered> Cut => _cut.Task;

        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(buffer.AsSpan(offset, count));
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer);
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(buffer.AsSpan(offset, count));
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Span);
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Check(ReadOnlySpan<byte> buffer)
        {
            if (_cut.Task.IsCompleted || response.Headers.ContentEncoding != "identity")
            {
                return;
            }

            if (_judged is null)
            {
                try
                {
                    _judged = judge();
                }
                catch (Exception ex)
                {
                    _cut.TrySetException(ex);
                    return;
                }

                if (dispatcher is null)
                {
                    _cut.TrySetResult(_judged with { NotStatic = "part of it is streamed, and Blazor's renderer was not found to tell where the streamed parts begin" });
                    return;
                }

                _ = dispatcher.InvokeAsync(async () =>
                {
                    await Task.Yield(); // we are on the dispatcher, which runs this inline: end after the write under way
                    End();
                });
            }

            if (buffer.StartsWith(StreamedPart))
            {
                End();
            }
        }

        /// <summary>The shell ends here: what was written so far.</summary>
        private void End()
        {
            var bytes = GetBuffer().AsSpan(0, (int)Length).ToArray();
            var judged = _judged!;
            _cut.TrySetResult(judged with { Body = bytes, Holes = judged.NotStatic is null ? ShellHoles.Of(bytes, judged.Framing) : null });
        }
    }
}
