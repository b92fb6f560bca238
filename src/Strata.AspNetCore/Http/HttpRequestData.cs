using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Strata.AspNetCore.Http;

/// <summary>
/// The request data behind <c>Cookies()</c>, <c>Headers()</c>, <c>SearchParams()</c> and <c>DraftMode()</c>, read straight
/// from the current <see cref="HttpContext"/> (nothing is copied). Draft mode is a cookie whose value is protected with
/// ASP.NET Core Data Protection, so that a visitor cannot turn it on (and bypass every cache) by setting a cookie by hand.
/// </summary>
internal sealed class HttpRequestData(HttpContext context) : IRequestData
{
    /// <summary>The name of the draft mode cookie.</summary>
    public const string DraftModeCookie = "__strata_draft";

    private const string DraftModePurpose = "Strata.DraftMode.v1";
    private const string DraftModePayload = "draft-mode-on";

    private bool? _draftMode;
    private Dictionary<string, string?>? _written;

    public IReadOnlyDictionary<string, string> Cookies => _written is null
        ? new CookieView(context.Request.Cookies)
        : Merged(context.Request.Cookies, _written);

    public IReadOnlyDictionary<string, StringValues> Headers => new StringValuesView(context.Request.Headers);

    public IReadOnlyDictionary<string, StringValues> SearchParams => new StringValuesView(context.Request.Query);

    public bool IsDraftMode => _draftMode ??= ReadDraftMode();

    public void SetDraftMode(bool enabled)
    {
        _draftMode = enabled;
        var options = new CookieOptions { HttpOnly = true, Secure = context.Request.IsHttps, SameSite = SameSiteMode.Lax, Path = "/" };
        if (enabled)
        {
            context.Response.Cookies.Append(DraftModeCookie, Protector().Protect(DraftModePayload), options);
        }
        else
        {
            context.Response.Cookies.Delete(DraftModeCookie, options);
        }
    }

    public void SetCookie(string name, string? value, CookieSettings settings)
    {
        if (context.Response.HasStarted)
        {
            throw new InvalidOperationException($"Cookies().{(value is null ? "Delete" : "Set")}(\"{name}\") was called after the response started, so the cookie cannot be sent. Change cookies in a server function or before the page renders.");
        }

        var options = new CookieOptions
        {
            Path = settings.Path,
            Domain = settings.Domain,
            MaxAge = settings.MaxAge,
            Expires = settings.Expires,
            HttpOnly = settings.HttpOnly,
            Secure = settings.Secure ?? context.Request.IsHttps,
            SameSite = settings.SameSite.ToLowerInvariant() switch
            {
                "strict" => SameSiteMode.Strict,
                "none" => SameSiteMode.None,
                _ => SameSiteMode.Lax,
            },
        };
        if (value is null)
        {
            context.Response.Cookies.Delete(name, options);
        }
        else
        {
            context.Response.Cookies.Append(name, value, options);
        }

        (_written ??= new(StringComparer.Ordinal))[name] = value;
    }

    private static Dictionary<string, string> Merged(IRequestCookieCollection cookies, Dictionary<string, string?> written)
    {
        var merged = new Dictionary<string, string>(cookies, StringComparer.Ordinal);
        foreach (var (name, value) in written)
        {
            if (value is null)
            {
                merged.Remove(name);
            }
            else
            {
                merged[name] = value;
            }
        }

        return merged;
    }

    private bool ReadDraftMode()
    {
        if (!context.Request.Cookies.TryGetValue(DraftModeCookie, out var value) || string.IsNullOrEmpty(value))
        {
            return false;
        }

        try
        {
            return Protector().Unprotect(value) == DraftModePayload;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false; // forged or from another key ring: draft mode stays off
        }
    }

    private IDataProtector Protector() =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(DraftModePurpose);

    private sealed class CookieView(IRequestCookieCollection cookies) : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => cookies[key] ?? throw new KeyNotFoundException($"The request has no cookie \"{key}\".");

        public IEnumerable<string> Keys => cookies.Keys;

        public IEnumerable<string> Values => cookies.Select(c => c.Value);

        public int Count => cookies.Count;

        public bool ContainsKey(string key) => cookies.ContainsKey(key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => cookies.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => cookies.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class StringValuesView(IEnumerable<KeyValuePair<string, StringValues>> values) : IReadOnlyDictionary<string, StringValues>
    {
        public StringValues this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The request has no value \"{key}\".");

        public IEnumerable<string> Keys => values.Select(v => v.Key);

        public IEnumerable<StringValues> Values => values.Select(v => v.Value);

        public int Count => values switch
        {
            IHeaderDictionary headers => headers.Count,
            IQueryCollection query => query.Count,
            _ => values.Count(),
        };

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, out StringValues value)
        {
            switch (values)
            {
                case IHeaderDictionary headers:
                    return headers.TryGetValue(key, out value);
                case IQueryCollection query:
                    return query.TryGetValue(key, out value);
                default:
                    foreach (var pair in values)
                    {
                        if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
                        {
                            value = pair.Value;
                            return true;
                        }
                    }

                    value = default;
                    return false;
            }
        }

        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
