using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Strata.AspNetCore.Components;

namespace Strata.AspNetCore.Http;

/// <summary>
/// What the web layer keeps for one HTTP request beside the engine's <see cref="CacheRequest"/>: whether the response
/// depends on request data the engine cannot see (query-bound or HttpContext-bound components, forms, authorization), the
/// cached components still being filled, and, in a form post, the <see cref="PageRefresh"/> that renders the page again
/// after the handler revalidated. Stored in <see cref="HttpContext.Features"/>.
/// </summary>
internal sealed class StrataWebRequest(HttpContext context, CacheRequest request, bool isComponentEndpoint, string? antiforgeryCookie, PageRefresh? refresh)
{
    /// <summary>The value of <c>Cache-Control</c> for responses that read request data (Next.js's dynamic responses).</summary>
    public const string PrivateCacheControl = "private, no-cache, no-store, max-age=0, must-revalidate";

    /// <summary>The header that carries the shortest <c>stale</c> of the caches a page used.</summary>
    public const string StaleTimeHeader = "x-strata-stale-time";

    /// <summary>
    /// The header a response carries when the request revalidated (tags, paths, or <c>Refresh()</c>): the client router
    /// cache drops every page it keeps. Its value names the revalidated tags (implicit path tags included), comma-separated,
    /// or <c>*</c> when they are too many to list; only its presence matters to the browser.
    /// </summary>
    public const string RevalidatedHeader = "x-strata-revalidated";

    /// <summary>The header the client router cache sends on prefetch requests.</summary>
    public const string PrefetchHeader = "x-strata-prefetch";

    /// <summary>The longest value of <see cref="RevalidatedHeader"/> that lists the tags.</summary>
    private const int MaxRevalidatedHeaderLength = 2048;

    /// <summary>One year: the longest <c>s-maxage</c> and <c>stale-while-revalidate</c> (Next.js's <c>expireTime</c>).</summary>
    private const double OneYear = 31536000;

    private int _pending;
    private string? _dynamicReason;
    private string? _sentStaleTime;
    private string? _notStaticReason;

    public HttpContext HttpContext { get; } = context;

    public CacheRequest Request { get; } = request;

    public bool IsComponentEndpoint { get; } = isComponentEndpoint;

    /// <summary>In a form post to a component page: what renders the page again after the handler revalidated; otherwise <see langword="null"/>.</summary>
    public PageRefresh? Refresh { get; } = refresh;

    /// <summary>Why the response depends on request data that the engine did not see, or <see langword="null"/>.</summary>
    public string? DynamicReason => Volatile.Read(ref _dynamicReason);

    public string BaseUri => field ??= string.Concat(HttpContext.Request.Scheme, "://", HttpContext.Request.Host.ToUriComponent(), HttpContext.Request.PathBase.ToUriComponent(), "/");

    public string Uri => field ??= string.Concat(BaseUri.AsSpan(0, BaseUri.Length - 1), HttpContext.Request.Path.ToUriComponent(), HttpContext.Request.QueryString.ToUriComponent());

    public static StrataWebRequest? Of(HttpContext? context) => context?.Features.Get<StrataWebRequest>();

    public void MarkDynamic(string reason) => Interlocked.CompareExchange(ref _dynamicReason, reason, null);

    /// <summary>While prerendering: why the page cannot become a static shell although it reads no request data, or <see langword="null"/>.</summary>
    public string? NotStaticReason => Volatile.Read(ref _notStaticReason);

    public void MarkNotStatic(string reason) => Interlocked.CompareExchange(ref _notStaticReason, reason, null);

    public void BeginFill() => Interlocked.Increment(ref _pending);

    public void EndFill() => Interlocked.Decrement(ref _pending);

    /// <summary>Whether cached components are still being filled (rendered, or read from a handler that answers later).</summary>
    public bool IsFilling => Volatile.Read(ref _pending) > 0;

    /// <summary>Sets <c>x-strata-stale-time</c> and <c>Cache-Control</c> as the response starts.</summary>
    /// <remarks>
    /// Only responses that used a cache are touched: a page that used none keeps the <c>Cache-Control</c> the application
    /// or the framework gave it.
    /// </remarks>
    public Task ApplyHeaders()
    {
        var response = HttpContext.Response;
        var html = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        if (IsComponentEndpoint)
        {
            response.Headers[CacheStatusHeader.Name] = CacheStatusHeader.Of(this);
        }

        if (Request.PathWasRevalidated || Request.RevalidatedTags.Count > 0)
        {
            var tags = string.Join(',', Request.RevalidatedTags);
            response.Headers[RevalidatedHeader] = tags.Length is > 0 and <= MaxRevalidatedHeaderLength ? tags : "*";
        }

        if (!Request.UsedCache)
        {
            return Task.CompletedTask;
        }

        if (html)
        {
            response.Headers[StaleTimeHeader] = _sentStaleTime = StaleTime();
        }

        if (DynamicBecause(response) is { } reason)
        {
            MakePrivate(response, reason);
            return Task.CompletedTask;
        }

        if (html && IsComponentEndpoint && IsPublicCandidate(response))
        {
            var revalidate = Math.Min(Request.Revalidate ?? StrataDefaults.DefaultRevalidateSeconds, OneYear);
            var expire = Math.Min(Request.Expire ?? StrataDefaults.InfiniteSeconds, OneYear);
            if (revalidate <= 0)
            {
                MakePrivate(response, "a cache it used has revalidate 0 (CacheLife)");
                return Task.CompletedTask;
            }

            response.Headers.CacheControl = expire > revalidate
                ? $"s-maxage={Seconds(revalidate)}, stale-while-revalidate={Seconds(expire - revalidate)}"
                : $"s-maxage={Seconds(revalidate)}";
            response.Headers.Pragma = default;
            RemoveAntiforgeryCookie(response);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Ends a streamed page with the stale time once all its parts are known, when it differs from the
    /// <c>x-strata-stale-time</c> header sent as the response started (a part streamed later read a cache with a shorter
    /// <c>stale</c>, or the first cache was read after the headers went out): <c>&lt;!--strata-stale-time:60--&gt;</c>. The
    /// client router cache reads it; an HTML comment after the last part changes nothing on the page.
    /// </summary>
    public Task WriteStaleTimeTrailerAsync()
    {
        var response = HttpContext.Response;
        if (!response.HasStarted || !Request.UsedCache || response.StatusCode != StatusCodes.Status200OK || response.ContentLength is not null ||
            !HttpMethods.IsGet(HttpContext.Request.Method) || response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true ||
            HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        var stale = StaleTime();
        return stale == _sentStaleTime ? Task.CompletedTask : response.WriteAsync($"<!--strata-stale-time:{stale}-->", HttpContext.RequestAborted);
    }

    private string StaleTime() => Seconds(Request.Stale ?? StrataDefaults.DefaultStaleSeconds);

    /// <summary>
    /// Why the response depends on the request, or <see langword="null"/> when it does not: it read request data, used a
    /// private cache, is a form post, is in draft mode, or streams parts that are still being rendered. For a static shell
    /// (<paramref name="shell"/>), the prerender judges request data and streamed parts itself, by where they are.
    /// </summary>
    public string? DynamicBecause(HttpResponse response, bool shell = false) =>
        DependsOnRequestBecause(shell)
        ?? (!shell && (IsFilling || response.Headers.ContentEncoding == "identity") ? "cached parts were still being rendered (streamed) when the headers were sent" : null);

    /// <summary>Why what the response shows depends on the request, or <see langword="null"/> (<see cref="DynamicBecause"/> without streaming).</summary>
    /// <param name="shell">Whether a static shell is judged: its prerender judges request data itself, by where it was read.</param>
    public string? DependsOnRequestBecause(bool shell = false) =>
        DynamicReason
        ?? (Request.UsedPrivateCache ? "it used a [UseCache(\"private\")] cache" : null)
        ?? (!shell && Request.UsedRequestData ? "it read request data (Cookies(), Headers(), SearchParams() or Connection())" : null)
        ?? (Request.Phase == CacheRequestPhase.Action ? "it answers a form post" : null)
        ?? (Request.IsDraftMode ? "draft mode is on" : null);

    private void MakePrivate(HttpResponse response, string reason)
    {
        response.Headers.CacheControl = PrivateCacheControl;
        HttpContext.RequestServices.GetService<PrivateResponseExplainer>()?.Explain(response, Request.Route, reason);
    }

    private bool IsPublicCandidate(HttpResponse response)
    {
        var request = HttpContext.Request;
        if (response.StatusCode != StatusCodes.Status200OK || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            return false;
        }

        if (HttpContext.User.Identity?.IsAuthenticated == true || request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            return false;
        }

        foreach (var cookie in response.Headers.SetCookie)
        {
            if (cookie is not null && !IsAntiforgeryCookie(cookie))
            {
                return false; // a response that sets a cookie of the application is never shared
            }
        }

        return true;
    }

    private void RemoveAntiforgeryCookie(HttpResponse response)
    {
        // Blazor issues the antiforgery cookie on every page; a page that may be cached publicly renders no form token,
        // and a shared copy must not hand one visitor's cookie to the next.
        var cookies = response.Headers.SetCookie;
        if (cookies.Count > 0)
        {
            response.Headers.SetCookie = new Microsoft.Extensions.Primitives.StringValues(cookies.Where(c => c is not null && !IsAntiforgeryCookie(c)).ToArray());
        }
    }

    private bool IsAntiforgeryCookie(string setCookie) =>
        antiforgeryCookie is not null && setCookie.StartsWith(antiforgeryCookie, StringComparison.Ordinal) && setCookie.Length > antiforgeryCookie.Length && setCookie[antiforgeryCookie.Length] == '=';

    internal static string Seconds(double seconds) =>
        Math.Round(seconds, 3).ToString("0.###", CultureInfo.InvariantCulture);
}
