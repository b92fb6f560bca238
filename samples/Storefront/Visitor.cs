using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Storefront.Data;

namespace Storefront;

/// <summary>
/// The visitor's own cookies, read by the private caches (<see cref="CachedShop.GetRecommendations"/>,
/// <see cref="CachedShop.GetRecentlyViewed"/>): a <c>session-id</c> given on the first page a visitor loads, and the
/// products viewed, recorded when a product page is loaded (not when the router cache prefetches it: <c>x-strata-prefetch</c>).
/// Also counts the requests the server receives, by path and kind, for the end-to-end tests (<c>/api/requests</c>).
/// </summary>
public static class Visitor
{
    public const string SessionCookie = "session-id";

    public const string RecentlyViewedCookie = "recently-viewed";

    /// <summary>A name a test gives its browser (on every request), so it counts only its own requests.</summary>
    public const string VisitorHeader = "x-visitor";

    private const int MaxRecentlyViewed = 4;

    private static readonly ConcurrentDictionary<(string Visitor, string Method, string Path, string Query, string Kind), StrongBox<int>> Requests = new();

    private static CookieOptions CookieOptions() => new() { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(30) };

    public static bool IsSessionId(string? value) => value is { Length: 16 } && value.All(char.IsAsciiHexDigitLower);

    /// <summary>Product ids from the cookie: valid ones only, at most four, no repeats.</summary>
    public static IReadOnlyList<int> ParseRecentlyViewed(string? value) =>
        (value ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(Database.IsProductId).Distinct().Take(MaxRecentlyViewed).ToArray();

    public static void UseVisitor(this WebApplication app)
    {
        // Runs for every request, static shells included: counting takes no lock and builds no string per request.
        app.Use((context, next) =>
        {
            var request = context.Request;
            var prefetch = request.Headers.ContainsKey("x-strata-prefetch");
            var accept = request.Headers.Accept.ToString();
            var kind = prefetch ? "prefetch" : accept.Contains("blazor-enhanced-nav=on", StringComparison.Ordinal) ? "enhanced" : "document";
            var visitor = request.Headers.TryGetValue(VisitorHeader, out var v) && v.ToString() is { Length: > 0 and <= 64 } name && !name.Contains(' ') ? name : "-";
            var count = Requests.GetOrAdd((visitor, request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", kind), static _ => new StrongBox<int>());
            Interlocked.Increment(ref count.Value);

            var isPage = HttpMethods.IsGet(request.Method) && accept.Contains("text/html", StringComparison.Ordinal);
            if (isPage && !prefetch && !IsSessionId(request.Cookies[SessionCookie]))
            {
                // A new visitor (their first page): give them a session, and let this request see it already. A prefetch never
                // starts one (several run at once, and each would make its own).
                var session = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
                context.Response.Cookies.Append(SessionCookie, session, CookieOptions());
                request.Headers.Cookie = string.Join("; ", request.Cookies.Where(c => c.Key != SessionCookie).Select(c => $"{c.Key}={c.Value}").Append($"{SessionCookie}={session}"));
            }

            if (isPage && !prefetch && request.Path.StartsWithSegments("/product", out var rest) && rest.Value is ['/', .. var value] &&
                int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && Database.IsProductId(id))
            {
                var viewed = new[] { id }.Concat(ParseRecentlyViewed(request.Cookies[RecentlyViewedCookie])).Distinct().Take(MaxRecentlyViewed);
                context.Response.Cookies.Append(RecentlyViewedCookie, string.Join('.', viewed), CookieOptions());
            }

            return next(context);
        });

        // The requests received so far, as "visitor METHOD /path?query kind" (kind: document, enhanced, prefetch) -> count.
        app.MapGet("/api/requests", () => Results.Json(Requests
            .GroupBy(r => $"{r.Key.Visitor} {r.Key.Method} {r.Key.Path}{r.Key.Query} {r.Key.Kind}", r => r.Value.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(), StringComparer.Ordinal)));
    }
}
