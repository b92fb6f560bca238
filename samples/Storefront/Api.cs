using System.Diagnostics;
using Storefront.Data;
using static Strata.Cache;

namespace Storefront;

/// <summary>The sample's minimal API endpoints: route handlers that call cached functions and revalidate tags.</summary>
public static class Api
{
    public static void MapStorefrontApi(this WebApplication app)
    {
        // Every upstream call so far, by source (also shown in the footer).
        app.MapGet("/api/upstream-calls", (Upstream upstream) => Results.Json(new { total = upstream.Total, calls = upstream.Calls }));

        // Sets the language and currency cookies, then goes back.
        app.MapGet("/preferences", (HttpContext context, string? language, string? currency, string? returnUrl) =>
        {
            var options = new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365) };
            if (language is "en" or "fr" or "de" or "es")
            {
                context.Response.Cookies.Append("language", language, options);
            }

            if (currency is not null && Database.Currencies.ContainsKey(currency))
            {
                context.Response.Cookies.Append("currency", currency, options);
            }

            return Results.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        });

        // revalidateTag(tag, 'max') from a route handler: stale now, refreshed in the background on the next read.
        app.MapPost("/api/revalidate", async (string? tag, string? returnUrl) =>
        {
            var revalidated = string.IsNullOrEmpty(tag) ? "products" : tag;
            await RevalidateTag(revalidated, "max");
            return returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
                ? Results.LocalRedirect(returnUrl)
                : Results.Json(new { revalidated = true, tag = revalidated, profile = "max", now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        });

        // The anchor's /api/cached: K sequential cache hits of a 'use cache' function, timed in process.
        app.MapGet("/api/cached", async (Anchor anchor, int? n) =>
        {
            var count = Math.Clamp(n ?? 1000, 1, 100000);
            var warmup = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await anchor.GetValue(i);
            }

            var warmupUs = warmup.Elapsed.TotalMicroseconds;
            var before = anchor.ExecutionsOf("getValue");
            long check = 0;
            var timed = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                check += (await anchor.GetValue(i)).I;
            }

            var elapsedUs = timed.Elapsed.TotalMicroseconds;
            return Results.Json(new
            {
                n = count,
                elapsedUs = Math.Round(elapsedUs),
                perCallUs = Math.Round(elapsedUs / count, 3),
                warmupUs = Math.Round(warmupUs),
                missesInTimedPass = anchor.ExecutionsOf("getValue") - before,
                totalExecutions = anchor.ExecutionsOf("getValue"),
                check,
            });
        });

        // How many times each anchor cached body ran (= misses).
        app.MapGet("/api/stats", (Anchor anchor) => Results.Json(anchor.Executions));
    }
}
