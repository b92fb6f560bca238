using System.Diagnostics;
using Storefront.Data;
using Strata.AspNetCore;
using static Strata.Cache;

namespace Storefront;

/// <summary>The sample's minimal API endpoints: route handlers that call cached functions and revalidate tags.</summary>
public static class Api
{
    public static void MapStorefrontApi(this WebApplication app)
    {
        // The same quote as the server function QuoteActions.Quote, by hand (bench/http/server-functions.sh compares them),
        // and the action id of that server function for scripts.
        app.MapPost("/api/quote", (QuoteRequest request) => Quotes.Compute(request.ProductId, request.Quantity));
        app.MapGet("/api/actions/quote", (IServiceProvider services) => ServerAction.Of(QuoteActions.Quote).Resolve(services).Id);

        // Every upstream call so far, by source (also shown in the footer).
        app.MapGet("/api/upstream-calls", (Upstream upstream) => Results.Json(new { total = upstream.Total, calls = upstream.Calls }));

        // Sets the language and currency cookies, then goes back. Every value is checked before anything is stored.
        app.MapGet("/preferences", (HttpContext context, string? language, string? currency, string? returnUrl) =>
        {
            if (language is not null && !Input.IsLanguage(language))
            {
                return Results.BadRequest($"Unknown language. Choose one of: {string.Join(", ", Input.Languages)}.");
            }

            if (currency is not null && !Input.IsCurrency(currency))
            {
                return Results.BadRequest($"Unknown currency. Choose one of: {string.Join(", ", Database.Currencies.Keys)}.");
            }

            if (!Input.TryReturnUrl(returnUrl, out var back))
            {
                return Results.BadRequest(Input.ReturnUrlMessage);
            }

            var options = new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365) };
            if (language is not null)
            {
                context.Response.Cookies.Append("language", language, options);
            }

            if (currency is not null)
            {
                context.Response.Cookies.Append("currency", currency, options);
            }

            return Results.LocalRedirect(back);
        });

        // revalidateTag(tag, 'max') from a route handler: stale now, refreshed in the background on the next read.
        app.MapPost("/api/revalidate", async (string? tag, string? returnUrl) =>
        {
            var revalidated = string.IsNullOrEmpty(tag) ? "products" : tag;
            if (!Input.IsTag(revalidated))
            {
                return Results.BadRequest("Unknown tag. Revalidate one of the shop's tags, e.g. products, products-shoes, product-1, product-price-1, global-stats, feed-items, bookings.");
            }

            if (!Input.TryReturnUrl(returnUrl, out var back))
            {
                return Results.BadRequest(Input.ReturnUrlMessage);
            }

            await RevalidateTag(revalidated, "max");
            return string.IsNullOrEmpty(returnUrl)
                ? Results.Json(new { revalidated = true, tag = revalidated, profile = "max", now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() })
                : Results.LocalRedirect(back);
        });

        // The anchor's /api/cached: K sequential cache hits of a 'use cache' function, timed in process.
        app.MapGet("/api/cached", async (Anchor anchor, string? n) =>
        {
            var count = 1000;
            if (n is not null && (!int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > 100000))
            {
                return Results.BadRequest("n must be a whole number from 1 to 100000.");
            }

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
