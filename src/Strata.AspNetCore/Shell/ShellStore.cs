using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Strata.AspNetCore.Http;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// The static shells by path, and the serving of them: a GET of a page (no query string) whose shell is fresh gets its bytes
/// from memory, with its headers, an <c>ETag</c> and <c>304</c> for a matching <c>If-None-Match</c>; a stale shell (an entry it
/// was built from passed its <c>revalidate</c>, or a tag of it was revalidated with a profile) is served once more while it is
/// regenerated in the background; an expired one (an entry passed its <c>expire</c>, or a tag or its path was expired by
/// <c>UpdateTag</c>, <c>RevalidatePath</c> or <c>RevalidateTag</c> without a profile) is not served: the request renders the
/// page, and the shell is regenerated. Shells are kept only when every cache handler is a memory handler, whose tag
/// manifest tells at once whether a tag changed, or a tag backplane (<see cref="ITagBackplane"/>: Redis) that applies every
/// invalidation made on any instance to those manifests; then a shell is served only while each backplane confirmed its
/// tag state within its bound. Other handlers do not say when a tag became stale.
/// </summary>
internal sealed partial class ShellStore
{
    private const string EnhancedNavigationAccept = "text/html; blazor-enhanced-nav=on";

    // Ordinal: a route parameter's value may be case-sensitive (/posts/{slug}); a path spelled otherwise is rendered.
    private readonly ConcurrentDictionary<string, StaticShell> _shells = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _dynamic = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ShellStore(CacheRuntime runtime, IOptions<StaticShellOptions> options, ILogger<ShellStore> logger)
    {
        _time = runtime.TimeProvider;
        _logger = logger;
        var handlers = runtime.Kinds.Select(runtime.GetHandler).Distinct().ToArray();
        Handlers = handlers.OfType<MemoryCacheHandler>().ToArray();
        Backplanes = handlers.OfType<ITagBackplane>().Where(b => b.IsTagBackplane).ToArray();
        _backplaneBounds = Backplanes.Select(b => (long)b.MaxTagStaleness.TotalMilliseconds).ToArray();
        NotSupportedReason = !options.Value.Enabled ? "Strata:StaticShell:Enabled is false"
            : handlers.FirstOrDefault(h => h is not MemoryCacheHandler && h is not ITagBackplane { IsTagBackplane: true }) is { } other
                ? $"the cache handler {other.GetType().Name} does not report tag invalidations to the in-memory handlers (it is no tag backplane), so a shell could outlive what it shows"
                : Backplanes.Length > 0 && Handlers.Length == 0
                    ? "no cache kind is in memory, so no tag manifest receives the invalidations of the tag backplane"
                : Backplanes.FirstOrDefault(b => b.MaxTagStaleness <= TimeSpan.Zero) is { } strict
                    ? $"{strict.GetType().Name} trusts no tag state it has not just confirmed (MaxStalenessDuringOutage is 0), which a shell served without asking it cannot follow"
                    : null;
    }

    /// <summary>
    /// The handlers (Redis) that apply every invalidation made on any instance to <see cref="Handlers"/>' manifests: a shell is
    /// judged by those manifests only while each of them confirmed its tag state within its bound.
    /// </summary>
    public ITagBackplane[] Backplanes { get; }

    private readonly long[] _backplaneBounds;

    /// <summary>Why shells are off, or <see langword="null"/> when they are on.</summary>
    public string? NotSupportedReason { get; }

    /// <summary>The memory handlers whose tag manifests decide whether a shell is still fresh.</summary>
    public MemoryCacheHandler[] Handlers { get; }

    /// <summary>Asks for a shell to be made again (set by <see cref="ShellPrerenderer"/>).</summary>
    public Action<string>? Regenerate { get; set; }

    /// <summary>Tells that a page was rendered for a request no shell served: its path, endpoint and route values (set by <see cref="ShellPrerenderer"/>).</summary>
    public Action<string, Endpoint, RouteValueDictionary>? RenderedOnDemand { get; set; }

    /// <summary>
    /// After a page was rendered for a request (no shell served it): a <c>200</c> GET without a query string of a route with
    /// parameters may make a shell of its own (a value its <c>[StaticParams]</c> method did not list).
    /// </summary>
    public void Rendered(HttpContext context, Endpoint endpoint)
    {
        var request = context.Request;
        if (RenderedOnDemand is { } onDemand && request.RouteValues.Count > 0 && context.Response.StatusCode == StatusCodes.Status200OK &&
            HttpMethods.IsGet(request.Method) && !request.QueryString.HasValue)
        {
            onDemand(request.Path.HasValue ? request.Path.Value! : "/", endpoint, request.RouteValues);
        }
    }

    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public bool TryGet(string path, [NotNullWhen(true)] out StaticShell? shell) => _shells.TryGetValue(path, out shell);

    public void Set(StaticShell shell)
    {
        if (!_dynamic.ContainsKey(shell.Path))
        {
            _shells[shell.Path] = shell;
        }
    }

    /// <summary>Whether a request showed that the page's shell cannot stand for what it renders: it is no longer made.</summary>
    public bool IsDynamic(string path) => _dynamic.ContainsKey(path);

    public void Remove(string path) => _shells.TryRemove(path, out _);

    /// <summary>
    /// Serves the shell of the request's page when it has a fresh or stale one; <paramref name="write"/> completes when the
    /// bytes are written, and, for a page that streams, when <paramref name="render"/> has rendered the page for the request
    /// and its streamed parts were passed on. Without <paramref name="render"/> (<c>app.UseStrataShells()</c>, before the
    /// request scope) only shells that are bytes alone are served. A hit allocates nothing: the headers, the entity tag and
    /// the body were made with the shell.
    /// </summary>
    public bool TryServe(HttpContext context, RequestDelegate? render, [NotNullWhen(true)] out Task? write)
    {
        write = null;
        var request = context.Request;
        if (_shells.IsEmpty || !HttpMethods.IsGet(request.Method) || request.QueryString.HasValue ||
            !_shells.TryGetValue(request.Path.HasValue ? request.Path.Value! : "/", out var shell))
        {
            return false;
        }

        var accept = request.Headers.Accept;
        var enhanced = accept.Count == 1 && string.Equals(accept[0], EnhancedNavigationAccept, StringComparison.Ordinal);
        var variant = enhanced ? shell.Enhanced : shell.Document;
        if (variant.Holes is not null && render is null)
        {
            return false; // its streamed parts are rendered in the request scope: app.UseStrata() serves it
        }

        var verdict = Judge(shell);
        if (verdict != ShellVerdict.Fresh)
        {
            if (verdict == ShellVerdict.Unconfirmed)
            {
                return false;
            }

            Regenerate?.Invoke(shell.Path);
            if (verdict == ShellVerdict.Expired)
            {
                return false;
            }
        }

        if (variant.Holes is { } holes)
        {
            write = ServeWithHolesAsync(context, shell, variant, holes, enhanced, render!);
            return true;
        }

        var response = context.Response;
        var headers = response.Headers;
        foreach (var (name, value) in variant.Headers)
        {
            headers[name] = value;
        }

        var encoded = variant.For(request.Headers.AcceptEncoding); // compressed when the shell was made (EncodedShellBody)
        var etag = encoded?.ETag ?? variant.ETag;
        headers.ETag = etag;
        headers.Vary = StringValues.Concat(headers.Vary, HeaderNames.AcceptEncoding);
        headers[CacheStatusHeader.Name] = verdict == ShellVerdict.Fresh ? CacheStatusHeader.Hit : CacheStatusHeader.Stale;
        if (Matches(request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            write = Task.CompletedTask;
            return true;
        }

        var body = encoded?.Body ?? variant.Body;
        if (encoded is not null)
        {
            headers.ContentEncoding = encoded.Encoding;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = body.Length;
        var flush = response.BodyWriter.WriteAsync(body);
        if (!flush.IsCompletedSuccessfully)
        {
            write = flush.AsTask();
            return true;
        }

#pragma warning disable RS0030 // completed successfully (checked above): reading the result releases the value task's source
        _ = flush.Result;
#pragma warning restore RS0030
        write = Task.CompletedTask;
        return true;
    }

    private async Task ServeWithHolesAsync(HttpContext context, StaticShell shell, ShellResponse variant, ShellHoles holes, bool enhanced, RequestDelegate render)
    {
        var (outcome, why) = await HoleResponse.ServeAsync(context, variant, holes, enhanced, render);
        if (outcome == HoleResponse.Outcome.Mismatch && _dynamic.TryAdd(shell.Path, why!))
        {
            _shells.TryRemove(shell.Path, out _);
            LogDynamic(shell.Path, why!);
        }
        else if (outcome == HoleResponse.Outcome.OutsideDiffers)
        {
            // What the shell shows outside its streaming parts changed since it was made: make it again.
            Regenerate?.Invoke(shell.Path);
        }
    }

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "The static shell of {Path} is no longer used: {Reason}. The page is rendered on every request.")]
    private partial void LogDynamic(string path, string reason);

    /// <summary>
    /// Whether what the shell was built from is still fresh, stale (serve it once more, regenerate) or expired (do not serve
    /// it); or unconfirmed: a tag backplane has not confirmed its tag state within its bound (a Redis outage), so other
    /// instances' invalidations may be missing here (do not serve it; nothing to regenerate).
    /// </summary>
    public ShellVerdict Judge(StaticShell shell)
    {
        var now = NowMs;
        if (now > shell.ExpireAt)
        {
            return ShellVerdict.Expired;
        }

        for (var i = 0; i < Backplanes.Length; i++)
        {
            if (now - Backplanes[i].TagsConfirmedAt > _backplaneBounds[i])
            {
                return ShellVerdict.Unconfirmed;
            }
        }

        var verdict = now > shell.StaleAt ? ShellVerdict.Stale : ShellVerdict.Fresh;
        for (var i = 0; i < Handlers.Length; i++)
        {
            var manifest = Handlers[i].Tags;
            var version = manifest.Version;
            if (version == Volatile.Read(ref shell.CheckedTagVersions[i]))
            {
                continue; // no tag changed in this handler since it was last found to leave the shell alone
            }

            var touched = false;
            foreach (var tag in shell.Tags)
            {
                if (manifest[tag] is not { } state)
                {
                    continue;
                }

                if (state.Expires(shell.Oldest, now))
                {
                    return ShellVerdict.Expired;
                }

                if (state.MakesStale(shell.Oldest))
                {
                    touched = true;
                    verdict = ShellVerdict.Stale;
                }
            }

            if (!touched)
            {
                Volatile.Write(ref shell.CheckedTagVersions[i], version);
            }
        }

        return verdict;
    }

    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            if (value is not null && (value.Trim() == "*" || value.Contains(etag, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>How fresh a shell is.</summary>
internal enum ShellVerdict
{
    Fresh,
    Stale,
    Expired,
    Unconfirmed,
}
