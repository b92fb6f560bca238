using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Strata.AspNetCore.Components;
using Strata.AspNetCore.Http;

namespace Strata.AspNetCore.Overlay;

/// <summary>
/// The data of the development overlay, written into pages only in Development (<see cref="CacheOverlayOptions"/>): an HTML
/// comment before and after each cached component the request read itself (<c>&lt;!--strata-part:{json}--&gt;</c> ...
/// <c>&lt;!--/strata-part--&gt;</c>: its kind, how the read was answered, its age and lifetimes, its tags), and one at the
/// end of the page (<c>&lt;!--strata-page:{json}--&gt;</c>: the <c>x-strata-cache</c> verdict and the stale time the
/// router cache uses). Comments change nothing Blazor renders, streams or merges; the overlay script
/// (<c>strata-overlay.js</c>) reads them. A cached component inside another one is part of its HTML and gets no comment
/// (its HTML is stored: a comment in it would be served with what it said when it was made). Static shells are rendered
/// without them.
/// </summary>
internal sealed class CacheOverlay(IHostEnvironment environment, IOptions<CacheOverlayOptions> options, CacheRuntime runtime)
{
    public const string PartEnd = "<!--/strata-part-->";

    /// <summary>JSON whose text can sit in an HTML comment: <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> are escaped, so no <c>--&gt;</c> ends it early.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Default, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public bool Enabled { get; } = environment.IsDevelopment() && options.Value.Enabled;

    /// <summary>The overlay of a page request, or <see langword="null"/> when it is off or the page is prerendered into a shell.</summary>
    public static CacheOverlay? For(StrataWebRequest? web) =>
        web is { IsComponentEndpoint: true, Request.IsPrerender: false } && web.HttpContext.RequestServices.GetService<CacheOverlay>() is { Enabled: true } overlay
            ? overlay
            : null;

    /// <summary>The comment that opens a cached component's HTML.</summary>
    public string PartStart(CachedComponentType type, CacheEntry entry, CacheReadOutcome outcome)
    {
        var age = Math.Max(0, runtime.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() - entry.Timestamp) / 1000.0;
        var part = new Part(type.Name, type.Kind, type.IsPrivate, Verdict(outcome), Math.Round(age, 1), entry.Stale, Lifetime(entry.Revalidate), Lifetime(entry.Expire), entry.Tags);
        return "<!--strata-part:" + JsonSerializer.Serialize(part, Json) + "-->";
    }

    /// <summary>Ends a page with its overlay data, after the stale-time trailer (only what the router cache keeps: a complete HTML GET).</summary>
    public static Task WritePageAsync(StrataWebRequest web)
    {
        var context = web.HttpContext;
        var response = context.Response;
        if (For(web) is null || !response.HasStarted || response.StatusCode != StatusCodes.Status200OK || response.ContentLength is not null ||
            !HttpMethods.IsGet(context.Request.Method) || response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true ||
            context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        var stale = web.Request.UsedCache ? web.Request.Stale ?? StrataDefaults.DefaultStaleSeconds : (double?)null;
        var page = new Page(response.Headers[CacheStatusHeader.Name].ToString(), stale, web.DependsOnRequestBecause());
        return response.WriteAsync("<!--strata-page:" + JsonSerializer.Serialize(page, Json) + "-->", context.RequestAborted);
    }

    private static string Verdict(CacheReadOutcome outcome) => outcome switch
    {
        CacheReadOutcome.Hit => CacheStatusHeader.Hit,
        CacheReadOutcome.Stale => CacheStatusHeader.Stale,
        _ => CacheStatusHeader.Miss,
    };

    /// <summary>A lifetime for JSON: <see langword="null"/> for "never".</summary>
    private static double? Lifetime(double seconds) => seconds >= StrataDefaults.InfiniteSeconds ? null : seconds;

    /// <summary>One cached part; lifetimes in seconds, <see langword="null"/> for never, a negative revalidate when a tag made it stale.</summary>
    private sealed record Part(string Name, string Kind, bool Private, string Cache, double Age, double Stale, double? Revalidate, double? Expire, IReadOnlyList<string> Tags);

    /// <summary>
    /// The page: the <c>x-strata-cache</c> it was sent with, the shortest <c>stale</c> of the caches it read (the router cache
    /// keeps it <c>max(stale, 30)</c> seconds; <see langword="null"/> when it read none and is not kept), and why it depends on
    /// the request (<see langword="null"/> when it does not).
    /// </summary>
    private sealed record Page(string Cache, double? Stale, string? Dynamic);
}
