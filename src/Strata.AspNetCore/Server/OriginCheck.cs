using Microsoft.AspNetCore.Http;

namespace Strata.AspNetCore.Server;

/// <summary>
/// The CSRF check of server function calls (Next.js's <c>csrf-protection.ts</c>): the host of the <c>Origin</c> header
/// must be the request's host (the first <c>X-Forwarded-Host</c> value when a proxy sent one, else <c>Host</c>) or match
/// one of <see cref="ServerFunctionOptions.AllowedOrigins"/>. Compared without regard to case.
/// </summary>
internal static class OriginCheck
{
    /// <summary>Why the call is refused, or <see langword="null"/> when its origin is allowed.</summary>
    public static string? Refusal(HttpRequest request, ServerFunctionOptions options)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return options.AllowMissingOrigin ? null : "The request has no `origin` header; server functions accept only calls that say where they come from (ServerFunctionOptions.AllowMissingOrigin turns this off).";
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return $"The `origin` header `{Truncate(origin)}` is not a URL (an opaque origin such as a sandboxed frame cannot call server functions).";
        }

        var originHost = uri.IsDefaultPort ? uri.Host : uri.Authority;
        var forwarded = request.Headers["X-Forwarded-Host"].ToString();
        var (header, host) = forwarded.Length > 0 ? ("x-forwarded-host", forwarded.Split(',')[0].Trim()) : ("host", request.Host.Value ?? "");
        if (string.Equals(originHost, host, StringComparison.OrdinalIgnoreCase) || options.AllowedOrigins.Any(p => Matches(originHost, p)))
        {
            return null;
        }

        return host.Length == 0
            ? "`x-forwarded-host` or `host` headers are not provided. One of these is needed to compare the `origin` header from a forwarded Server Actions request. Aborting the action."
            : $"`{header}` header with value `{Truncate(host)}` does not match `origin` header with value `{Truncate(originHost)}` from a forwarded Server Actions request. Aborting the action.";
    }

    /// <summary>Whether a host matches an allowed-origin pattern: labels compared right to left; <c>*</c> is one label, <c>**</c> (left-most only) one or more.</summary>
    public static bool Matches(string host, string pattern)
    {
        var hostLabels = host.Split('.');
        var patternLabels = pattern.Trim().Split('.');
        if (patternLabels.All(l => l is "*" or "**"))
        {
            return false;
        }

        var h = hostLabels.Length - 1;
        for (var p = patternLabels.Length - 1; p >= 0; p--, h--)
        {
            var label = patternLabels[p];
            if (label == "**")
            {
                return p == 0 && h >= 0 && hostLabels.Take(h + 1).All(l => l.Length > 0);
            }

            if (h < 0 || hostLabels[h].Length == 0 || (label != "*" && !string.Equals(label, hostLabels[h], StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return h < 0;
    }

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "...";
}
