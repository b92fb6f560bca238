using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Strata;

/// <summary>How a cookie is set (Next.js's <c>cookies().set(name, value, options)</c>).</summary>
public sealed class CookieSettings
{
    /// <summary>The path; <c>/</c> by default.</summary>
    public string Path { get; init; } = "/";

    /// <summary>The domain; none (the current host) by default.</summary>
    public string? Domain { get; init; }

    /// <summary>How long the cookie lives; a session cookie by default.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>When the cookie expires; a session cookie by default.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Whether scripts cannot read it; <see langword="false"/> by default, as in Next.js.</summary>
    public bool HttpOnly { get; init; }

    /// <summary>Whether it is sent over HTTPS only; <see langword="null"/> (the default) means: when the request is HTTPS.</summary>
    public bool? Secure { get; init; }

    /// <summary><c>lax</c> (the default), <c>strict</c> or <c>none</c>.</summary>
    public string SameSite { get; init; } = "lax";
}

/// <summary>
/// <c>cookies()</c>: the request's cookies by name, and in a server action or an endpoint <see cref="Set"/> and
/// <see cref="Delete"/> (later reads in the same request see the change, as in Next.js).
/// </summary>
public sealed class RequestCookies : IReadOnlyDictionary<string, string>
{
    private readonly CacheRequest _request;
    private readonly IRequestData _data;

    internal RequestCookies(CacheRequest request, IRequestData data)
    {
        _request = request;
        _data = data;
    }

    private IReadOnlyDictionary<string, string> Cookies => _data.Cookies;

    /// <summary>The value of a cookie; throws when there is none.</summary>
    /// <param name="key">The name.</param>
    public string this[string key] => Cookies[key];

    /// <summary>The names.</summary>
    public IEnumerable<string> Keys => Cookies.Keys;

    /// <summary>The values.</summary>
    public IEnumerable<string> Values => Cookies.Values;

    /// <summary>The number of cookies.</summary>
    public int Count => Cookies.Count;

    /// <summary>Whether the cookie is present.</summary>
    /// <param name="key">The name.</param>
    /// <returns>Whether it is present.</returns>
    public bool ContainsKey(string key) => Cookies.ContainsKey(key);

    /// <summary>The value of a cookie, if present.</summary>
    /// <param name="key">The name.</param>
    /// <param name="value">The value.</param>
    /// <returns>Whether it is present.</returns>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => Cookies.TryGetValue(key, out value);

    /// <summary><c>cookies().set(name, value, options)</c>: sets a cookie on the response. Only in a server action or an endpoint.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    /// <param name="settings">Path, expiry and flags; <c>Path=/</c> by default.</param>
    /// <exception cref="InvalidOperationException">Called while rendering, inside a cached function, or outside a request.</exception>
    public void Set(string name, string value, CookieSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Guard($"Cookies().Set(\"{name}\")");
        _data.SetCookie(name, value, settings ?? new CookieSettings());
    }

    /// <summary><c>cookies().delete(name)</c>: deletes a cookie (an expired one on the response). Only in a server action or an endpoint.</summary>
    /// <param name="name">The name.</param>
    /// <param name="settings">The path and domain the cookie was set with; <c>Path=/</c> by default.</param>
    /// <exception cref="InvalidOperationException">Called while rendering, inside a cached function, or outside a request.</exception>
    public void Delete(string name, CookieSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Guard($"Cookies().Delete(\"{name}\")");
        _data.SetCookie(name, null, settings ?? new CookieSettings());
    }

    /// <summary>Enumerates the cookies.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Cookies.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Guard(string expression)
    {
        if (AmbientContext.Current?.Scope is { } scope)
        {
            throw new InvalidOperationException(ErrorMessages.RequestDataInCache(expression, _request.Route, scope.Kind));
        }

        if (_request.Phase == CacheRequestPhase.Render)
        {
            throw new InvalidOperationException(ErrorMessages.CookieWriteOutsideAction(expression, _request.Route));
        }
    }
}
