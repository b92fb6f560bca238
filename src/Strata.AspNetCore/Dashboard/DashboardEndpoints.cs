using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.AspNetCore.Dashboard;

/// <summary>
/// The dashboard's page (plain server-rendered HTML with an inline SVG chart: no script, no framework) and its two actions,
/// which revalidate a tag or a path and come back to the page (303) with what they did.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>The most entries listed per handler (the largest first).</summary>
    private const int MaxEntriesShown = 50;

    public static async Task ShowAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var runtime = services.GetRequiredService<CacheRuntime>();
        var tokens = services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var html = new StringBuilder(16 * 1024);
        var now = runtime.TimeProvider.GetUtcNow();
        var self = context.Request.PathBase + context.Request.Path.Value!.TrimEnd('/');
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Strata cache</title><style>").Append(Style).Append("</style></head><body id=\"strata-dashboard\">");
        html.Append("<h1>Strata cache</h1><p class=\"muted\">").Append(E(now.ToString("u", CultureInfo.InvariantCulture))).Append("</p>");
        if (context.Request.Query["done"].ToString() is { Length: > 0 } done)
        {
            html.Append("<p id=\"done\" class=\"done\">").Append(E(done)).Append("</p>");
        }

        var handlers = runtime.Kinds.Order(StringComparer.Ordinal).GroupBy(runtime.GetHandler).ToArray();
        Memory(html, handlers);
        HitRatio(html, services.GetRequiredService<HitRatioHistory>().Snapshot());
        Entries(html, handlers, now.ToUnixTimeMilliseconds());
        Health(html, handlers);
        Invalidations(html, runtime.RecentInvalidations);
        Actions(html, self, tokens);
        html.Append("</body></html>");

        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(html.ToString(), context.RequestAborted);
    }

    public static async Task<IResult> RevalidateTagAsync(HttpContext context)
    {
        if (await ReadFormAsync(context) is not { } form)
        {
            return Results.BadRequest("The antiforgery token is missing or invalid: post the dashboard's own form.");
        }

        var tag = form["tag"].ToString().Trim();
        if (tag.Length == 0)
        {
            return Back(context, "Give a tag to revalidate.");
        }

        var runtime = context.RequestServices.GetRequiredService<CacheRuntime>();
        if (form["mode"] == "max")
        {
            await runtime.RevalidateTagAsync(tag, "max", context.RequestAborted);
            return Back(context, $"Tag \"{tag}\" is stale: the next read serves it once and refreshes it in the background.");
        }

        await runtime.RevalidateTagAsync(tag, new CacheLifeProfile { Expire = 0 }, context.RequestAborted);
        return Back(context, $"Tag \"{tag}\" expired: the next read waits for a fresh value.");
    }

    public static async Task<IResult> RevalidatePathAsync(HttpContext context)
    {
        if (await ReadFormAsync(context) is not { } form)
        {
            return Results.BadRequest("The antiforgery token is missing or invalid: post the dashboard's own form.");
        }

        var path = form["path"].ToString().Trim();
        if (!path.StartsWith('/'))
        {
            return Back(context, "Give a path that starts with / (a route template with the type page or layout).");
        }

        var type = form["type"].ToString() is "page" or "layout" ? form["type"].ToString() : null;
        await context.RequestServices.GetRequiredService<CacheRuntime>().RevalidatePathAsync(path, type, context.RequestAborted);
        return Back(context, type is null ? $"Path {path} expired." : $"Path {path} ({type}) expired.");
    }

    private static async Task<IFormCollection?> ReadFormAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }

        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    /// <summary>Back to the dashboard page (303 See Other: the browser GETs it) with what was done.</summary>
    private static IResult Back(HttpContext context, string done)
    {
        var path = context.Request.Path.Value!;
        context.Response.Headers.Location = $"{context.Request.PathBase}{path[..path.LastIndexOf('/')]}?done={Uri.EscapeDataString(done)}";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static void Memory(StringBuilder html, IGrouping<ICacheHandler, string>[] handlers)
    {
        html.Append("<section id=\"memory\"><h2>Memory</h2><table><tr><th>kinds</th><th>entries</th><th>in use</th><th>budget</th><th></th></tr>");
        foreach (var group in handlers)
        {
            if (group.Key is not MemoryCacheHandler memory)
            {
                continue;
            }

            var share = memory.MaxSize == 0 ? 0 : Math.Min(1, (double)memory.Size / memory.MaxSize);
            html.Append("<tr><td>").Append(E(string.Join(", ", group))).Append("</td><td>").Append(memory.Count)
                .Append("</td><td>").Append(Bytes(memory.Size)).Append("</td><td>").Append(Bytes(memory.MaxSize))
                .Append("</td><td><span class=\"bar\"><span style=\"width:").Append(Number(share * 100)).Append("%\"></span></span> ")
                .Append(Number(share * 100)).Append("%</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static void HitRatio(StringBuilder html, IReadOnlyList<(DateTimeOffset Start, long Hits, long Stale, long Misses)> buckets)
    {
        const double Width = 600, Height = 120;
        long hits = 0, stale = 0, misses = 0;
        var points = new StringBuilder();
        var dots = new StringBuilder(); // a bucket alone (no neighbour to draw a line to) still shows
        for (var i = 0; i < buckets.Count; i++)
        {
            var (_, h, s, m) = buckets[i];
            hits += h;
            stale += s;
            misses += m;
            var total = h + s + m;
            if (total > 0)
            {
                var x = i * Width / (buckets.Count - 1);
                var y = Height - ((double)(h + s) / total * Height);
                points.Append(Number(x)).Append(',').Append(Number(y)).Append(' ');
                dots.Append("<circle cx=\"").Append(Number(x)).Append("\" cy=\"").Append(Number(y)).Append("\" r=\"2.5\" class=\"ratio\"/>");
            }
        }

        var all = hits + stale + misses;
        html.Append("<section id=\"hit-ratio\"><h2>Hit ratio, last ").Append(HitRatioHistory.Buckets * HitRatioHistory.BucketSeconds / 60)
            .Append(" minutes</h2><p>").Append(all == 0 ? "no reads yet" : $"{Number(100.0 * (hits + stale) / all)}% served from the cache")
            .Append(" · ").Append(hits).Append(" hits, ").Append(stale).Append(" stale, ").Append(misses).Append(" misses (buckets of ")
            .Append(HitRatioHistory.BucketSeconds).Append(" s)</p>")
            .Append("<svg id=\"hit-ratio-chart\" role=\"img\" aria-label=\"hit ratio over time\" viewBox=\"-4 -4 ").Append(Number(Width + 8)).Append(' ').Append(Number(Height + 8))
            .Append("\" width=\"").Append(Number(Width)).Append("\" height=\"").Append(Number(Height)).Append("\">")
            .Append("<rect x=\"0\" y=\"0\" width=\"").Append(Number(Width)).Append("\" height=\"").Append(Number(Height)).Append("\" class=\"frame\"/>")
            .Append("<line x1=\"0\" x2=\"").Append(Number(Width)).Append("\" y1=\"").Append(Number(Height / 2)).Append("\" y2=\"").Append(Number(Height / 2)).Append("\" class=\"grid\"/>")
            .Append("<polyline points=\"").Append(points.ToString().TrimEnd()).Append("\" class=\"ratio\"/>").Append(dots).Append("</svg></section>");
    }

    private static void Entries(StringBuilder html, IGrouping<ICacheHandler, string>[] handlers, long now)
    {
        html.Append("<section id=\"entries\"><h2>Entries</h2>");
        foreach (var group in handlers)
        {
            html.Append("<h3 class=\"kind\">").Append(E(string.Join(", ", group))).Append(" <span class=\"muted\">").Append(E(group.Key.GetType().Name)).Append("</span></h3>");
            if (group.Key is not MemoryCacheHandler memory)
            {
                html.Append("<p class=\"muted\">This handler does not list its entries.</p>");
                continue;
            }

            var entries = memory.GetEntries(MaxEntriesShown);
            if (entries.Count == 0)
            {
                html.Append("<p class=\"muted\">empty</p>");
                continue;
            }

            html.Append("<table><tr><th>key</th><th>size</th><th>age</th><th>revalidate</th><th>expire</th><th>state</th><th>tags</th></tr>");
            foreach (var (key, size, entry) in entries)
            {
                var state = now > entry.ExpireAt ? "expired" : now > entry.StaleAt ? "stale" : "fresh";
                html.Append("<tr class=\"entry\"><td><code>").Append(E(key.Description ?? key.ToString())).Append("</code></td><td>").Append(Bytes(size))
                    .Append("</td><td>").Append(Seconds((now - entry.Timestamp) / 1000.0)).Append("</td><td>").Append(entry.Revalidate < 0 ? "stale by tag" : Seconds(entry.Revalidate))
                    .Append("</td><td>").Append(Seconds(entry.Expire)).Append("</td><td class=\"").Append(state).Append("\">").Append(state)
                    .Append("</td><td>").Append(E(string.Join(", ", entry.Tags))).Append("</td></tr>");
            }

            html.Append("</table>");
            if (memory.Count > entries.Count)
            {
                html.Append("<p class=\"muted\">the ").Append(entries.Count).Append(" largest of ").Append(memory.Count).Append("</p>");
            }
        }

        html.Append("</section>");
    }

    private static void Health(StringBuilder html, IGrouping<ICacheHandler, string>[] handlers)
    {
        var reporting = handlers.Where(g => g.Key is ICacheHandlerHealth).ToArray();
        if (reporting.Length == 0)
        {
            return;
        }

        html.Append("<section id=\"health\"><h2>Handler health</h2><table><tr><th>kinds</th><th>handler</th><th>state</th><th>recent outages</th></tr>");
        foreach (var group in reporting)
        {
            var health = (ICacheHandlerHealth)group.Key;
            html.Append("<tr><td>").Append(E(string.Join(", ", group))).Append("</td><td>").Append(E(health.Name)).Append("</td><td class=\"")
                .Append(health.IsAvailable ? "fresh\">available" : "expired\">unavailable").Append("</td><td>");
            foreach (var outage in health.RecentOutages)
            {
                html.Append("<div>").Append(E(outage.Start.ToString("u", CultureInfo.InvariantCulture))).Append(" – ")
                    .Append(outage.End is { } end ? E(end.ToString("u", CultureInfo.InvariantCulture)) : "now").Append(": ").Append(E(outage.Reason)).Append("</div>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static void Invalidations(StringBuilder html, IReadOnlyList<TagInvalidation> invalidations)
    {
        html.Append("<section id=\"invalidations\"><h2>Recent tag invalidations</h2>");
        if (invalidations.Count == 0)
        {
            html.Append("<p class=\"muted\">none since start-up</p></section>");
            return;
        }

        html.Append("<table><tr><th>when</th><th>tags</th><th>by</th><th>effect</th><th>where</th></tr>");
        foreach (var invalidation in invalidations)
        {
            var where = invalidation.Phase switch
            {
                CacheRequestPhase.Action => "server action",
                CacheRequestPhase.Handler => "endpoint",
                CacheRequestPhase.Render => "render",
                _ => "outside a request",
            };
            html.Append("<tr class=\"invalidation\"><td>").Append(E(invalidation.At.ToString("u", CultureInfo.InvariantCulture))).Append("</td><td>")
                .Append(E(string.Join(", ", invalidation.Tags))).Append("</td><td>").Append(E(invalidation.Source)).Append("</td><td>")
                .Append(invalidation.Expired ? "expired" : "stale").Append("</td><td>").Append(where)
                .Append(invalidation.Route is { } route ? " " + E(route) : "").Append("</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static void Actions(StringBuilder html, string self, AntiforgeryTokenSet tokens)
    {
        var token = $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken ?? "")}\">";
        html.Append("<section id=\"actions\"><h2>Revalidate</h2>")
            .Append("<form id=\"revalidate-tag\" method=\"post\" action=\"").Append(E(self)).Append("/revalidate-tag\">").Append(token)
            .Append("<label>tag <input name=\"tag\" required></label> <select name=\"mode\"><option value=\"expire\">expire now</option>")
            .Append("<option value=\"max\">stale (RevalidateTag max)</option></select> <button type=\"submit\">Revalidate tag</button></form>")
            .Append("<form id=\"revalidate-path\" method=\"post\" action=\"").Append(E(self)).Append("/revalidate-path\">").Append(token)
            .Append("<label>path <input name=\"path\" required placeholder=\"/product/1\"></label> <select name=\"type\"><option value=\"\">this path</option>")
            .Append("<option value=\"page\">page (route template)</option><option value=\"layout\">layout (everything beneath)</option></select> ")
            .Append("<button type=\"submit\">Revalidate path</button></form></section>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Seconds(double seconds) => seconds >= StrataDefaults.InfiniteSeconds ? "never" : Number(seconds) + " s";

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{Number(bytes / 1024.0)} KB",
        _ => $"{Number(bytes / (1024.0 * 1024))} MB",
    };

    private const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2937; }
        h1 { margin: 0 } h2 { margin-top: 28px; font-size: 18px } h3 { font-size: 15px; margin-bottom: 4px }
        table { border-collapse: collapse } th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top }
        th { font-weight: 600; border-bottom: 1px solid #d1d5db } code { font-size: 12px }
        .muted { color: #6b7280 } .done { background: #ecfdf5; padding: 6px 10px; border-radius: 4px }
        .fresh { color: #15803d } .stale { color: #a16207 } .expired { color: #b91c1c }
        .bar { display: inline-block; width: 120px; height: 8px; background: #e5e7eb; border-radius: 4px; vertical-align: middle }
        .bar span { display: block; height: 8px; background: #2563eb; border-radius: 4px }
        svg .frame { fill: #f9fafb; stroke: #d1d5db } svg .grid { stroke: #e5e7eb } svg polyline.ratio { fill: none; stroke: #2563eb; stroke-width: 2 } svg circle.ratio { fill: #2563eb }
        form { margin: 8px 0 }
        """;
}
