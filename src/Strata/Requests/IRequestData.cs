using Microsoft.Extensions.Primitives;

namespace Strata;

/// <summary>
/// The request data behind <c>Cookies()</c>, <c>Headers()</c>, <c>SearchParams()</c> and <c>DraftMode()</c>. The web layer
/// implements it over the current HTTP request; tests and other hosts may implement it themselves.
/// </summary>
public interface IRequestData
{
    /// <summary>The request's cookies, by name.</summary>
    IReadOnlyDictionary<string, string> Cookies { get; }

    /// <summary>The request's headers, by case-insensitive name.</summary>
    IReadOnlyDictionary<string, StringValues> Headers { get; }

    /// <summary>The request's query string values, by name.</summary>
    IReadOnlyDictionary<string, StringValues> SearchParams { get; }

    /// <summary>Whether draft mode is on for this request (caches are bypassed: never read, never written).</summary>
    bool IsDraftMode { get; }

    /// <summary>Turns draft mode on or off (for example by setting or deleting a cookie).</summary>
    /// <param name="enabled">The new state.</param>
    void SetDraftMode(bool enabled);

    /// <summary>
    /// Sets (or, with a <see langword="null"/> value, deletes) a cookie on the response; later reads of
    /// <see cref="Cookies"/> in the same request see the change. Called by <c>Cookies().Set</c> and <c>Cookies().Delete</c>
    /// after they checked where they are called.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value, or <see langword="null"/> to delete the cookie.</param>
    /// <param name="settings">Path, expiry and flags.</param>
    /// <exception cref="NotSupportedException">This request data cannot write cookies (the default).</exception>
    void SetCookie(string name, string? value, CookieSettings settings) =>
        throw new NotSupportedException($"{GetType().Name} cannot set cookies.");
}

/// <summary>A simple <see cref="IRequestData"/> from dictionaries: for tests, console hosts and background jobs that replay a request.</summary>
public sealed class RequestData : IRequestData
{
    /// <summary>Creates request data.</summary>
    /// <param name="cookies">Cookies by name; empty when <see langword="null"/>.</param>
    /// <param name="headers">Headers by name; empty when <see langword="null"/>.</param>
    /// <param name="searchParams">Query values by name; empty when <see langword="null"/>.</param>
    /// <param name="draftMode">Whether draft mode starts on.</param>
    public RequestData(
        IReadOnlyDictionary<string, string>? cookies = null,
        IReadOnlyDictionary<string, StringValues>? headers = null,
        IReadOnlyDictionary<string, StringValues>? searchParams = null,
        bool draftMode = false)
    {
        _cookies = cookies is null ? [] : new Dictionary<string, string>(cookies);
        Headers = headers is null
            ? new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, StringValues>(headers, StringComparer.OrdinalIgnoreCase);
        SearchParams = searchParams ?? new Dictionary<string, StringValues>();
        IsDraftMode = draftMode;
    }

    private readonly Dictionary<string, string> _cookies;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, StringValues> Headers { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, StringValues> SearchParams { get; }

    /// <inheritdoc />
    public bool IsDraftMode { get; private set; }

    /// <inheritdoc />
    public void SetDraftMode(bool enabled) => IsDraftMode = enabled;

    /// <inheritdoc />
    public void SetCookie(string name, string? value, CookieSettings settings)
    {
        if (value is null)
        {
            _cookies.Remove(name);
        }
        else
        {
            _cookies[name] = value;
        }
    }
}

/// <summary>The draft mode of the current request, as returned by <c>DraftMode()</c>.</summary>
public sealed class DraftModeState
{
    private readonly CacheRequest _request;

    internal DraftModeState(CacheRequest request) => _request = request;

    /// <summary>Whether draft mode is on: caches are bypassed (never read, never written) for this request.</summary>
    public bool IsEnabled => _request.IsDraftMode;

    /// <summary>Turns draft mode on. Not allowed inside a cached function.</summary>
    /// <exception cref="InvalidOperationException">Called inside a cached function.</exception>
    public void Enable() => Set(true, "DraftMode().Enable()");

    /// <summary>Turns draft mode off. Not allowed inside a cached function.</summary>
    /// <exception cref="InvalidOperationException">Called inside a cached function.</exception>
    public void Disable() => Set(false, "DraftMode().Disable()");

    private void Set(bool enabled, string expression)
    {
        if (AmbientContext.Current?.Scope is { } scope)
        {
            throw new InvalidOperationException(ErrorMessages.DraftModeChangeInCache(expression, _request.Route, scope.Kind));
        }

        var data = _request.Data ?? throw new InvalidOperationException(ErrorMessages.RequestApiOutsideRequest("DraftMode()"));
        data.SetDraftMode(enabled);
    }
}
