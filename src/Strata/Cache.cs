using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Strata;

/// <summary>
/// The directives of Next.js 16 as C# functions. Import them with <c>using static Strata.Cache;</c> and write them where
/// Next.js puts them: <c>CacheLife("hours")</c> and <c>CacheTag("products")</c> inside a cached function,
/// <c>RevalidateTag</c> and <c>UpdateTag</c> where data changes, <c>Cookies()</c> and friends where requests are handled.
/// </summary>
public static partial class Cache
{
    /// <summary>
    /// Sets the lifetimes of the current cached function from a named profile (built-in: <c>default</c>, <c>seconds</c>,
    /// <c>minutes</c>, <c>hours</c>, <c>days</c>, <c>weeks</c>, <c>max</c>; or one configured under <c>Strata:CacheLife</c>).
    /// Several calls keep the shortest value of each field; an explicit <c>CacheLife</c> wins over shorter nested caches.
    /// </summary>
    /// <param name="profile">The profile name.</param>
    /// <exception cref="InvalidOperationException">Called outside a cached function (where a cached component renders live, in an interactive circuit or in the browser, it does nothing instead).</exception>
    /// <exception cref="ArgumentException">The profile is not configured; the message suggests the closest one.</exception>
    public static void CacheLife(string profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (ScopeFor(ErrorMessages.CacheLifeOutsideCache) is { } scope)
        {
            scope.ApplyLife(scope.Runtime.GetProfile(profile));
        }
    }

    /// <summary>Sets the lifetimes of the current cached function from a profile object.</summary>
    /// <param name="profile">The profile; its <see langword="null"/> fields are left as they are.</param>
    /// <exception cref="InvalidOperationException">Called outside a cached function (where a cached component renders live, in an interactive circuit or in the browser, it does nothing instead).</exception>
    /// <exception cref="ArgumentException">A value is negative or NaN, or revalidate is greater than expire.</exception>
    public static void CacheLife(CacheLifeProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var life = CacheLifeValidation.Normalize(profile, "");
        ScopeFor(ErrorMessages.CacheLifeOutsideCache)?.ApplyLife(life);
    }

    /// <summary>Sets the lifetimes of the current cached function in seconds: <c>CacheLife(expire: 3600)</c>.</summary>
    /// <param name="stale">Seconds a client may reuse the value; <see langword="null"/> leaves it.</param>
    /// <param name="revalidate">Seconds before a background refresh; <see langword="null"/> leaves it.</param>
    /// <param name="expire">Seconds before the value can no longer be served; <see langword="null"/> leaves it.</param>
    /// <exception cref="InvalidOperationException">Called outside a cached function (where a cached component renders live, in an interactive circuit or in the browser, it does nothing instead).</exception>
    /// <exception cref="ArgumentException">A value is negative or NaN, or revalidate is greater than expire.</exception>
    public static void CacheLife(double? stale = null, double? revalidate = null, double? expire = null) =>
        CacheLife(new CacheLifeProfile { Stale = stale, Revalidate = revalidate, Expire = expire });

    /// <summary>
    /// Tags the current cached function's entry, so that <c>RevalidateTag</c> and <c>UpdateTag</c> can invalidate it.
    /// Tags longer than 256 characters, and tags past the 128th of one call, are dropped with a warning.
    /// </summary>
    /// <param name="tags">The tags.</param>
    /// <exception cref="InvalidOperationException">Called outside a cached function (where a cached component renders live, in an interactive circuit or in the browser, it does nothing instead).</exception>
    public static void CacheTag(params ReadOnlySpan<string> tags)
    {
        if (ScopeFor(ErrorMessages.CacheTagOutsideCache) is not { } scope)
        {
            return;
        }

        List<string>? valid = null;
        List<string>? invalid = null;
        foreach (var tag in tags)
        {
            if (tag is null)
            {
                (invalid ??= []).Add("tag: null invalid type, must be a string");
            }
            else if (tag.Length > StrataDefaults.MaxTagLength)
            {
                (invalid ??= []).Add($"tag: \"{tag}\" exceeded max length of {StrataDefaults.MaxTagLength}");
            }
            else
            {
                (valid ??= []).Add(tag);
            }
        }

        if (invalid is not null)
        {
            scope.Runtime.Logger.LogWarning("Warning: invalid tags passed to `CacheTag()`: \n{Tags}", string.Join("\n", invalid));
        }

        if (valid is null)
        {
            return;
        }

        // The cap is per call, as Next.js validates the tags of each cacheTag() call (tags nested caches bring do not count).
        if (valid.Count > StrataDefaults.MaxTagCount)
        {
            scope.Runtime.Logger.LogWarning("Warning: exceeded max tag count for `CacheTag()`, dropped tags: {Tags}", string.Join(", ", valid.Skip(StrataDefaults.MaxTagCount)));
            valid.RemoveRange(StrataDefaults.MaxTagCount, valid.Count - StrataDefaults.MaxTagCount);
        }

        scope.AddTags(valid);
    }

    /// <summary>
    /// <c>revalidateTag(tag, profile)</c>: entries with the tag become stale now and are refreshed in the background on
    /// their next read (stale-while-revalidate); they expire after the profile's <c>expire</c>. Use <c>"max"</c> for the usual case.
    /// In a form post the page is not rendered again after the handler: the response shows the old value.
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <param name="profile">A profile name, e.g. <c>"max"</c>.</param>
    /// <returns>A task that completes when every handler recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called while rendering or inside a cached function.</exception>
    public static Task RevalidateTag(string tag, string profile) => CacheRuntime.Current.RevalidateTagAsync(tag, profile);

    /// <summary><c>revalidateTag(tag, { expire })</c>.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="profile">The durations; only <see cref="CacheLifeProfile.Expire"/> is used.</param>
    /// <returns>A task that completes when every handler recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called while rendering or inside a cached function.</exception>
    public static Task RevalidateTag(string tag, CacheLifeProfile profile) => CacheRuntime.Current.RevalidateTagAsync(tag, profile);

    /// <summary>
    /// <c>revalidateTag(tag)</c> without a profile: deprecated, as in Next.js 16. Logs a warning and expires the tag now.
    /// Prefer <c>RevalidateTag(tag, "max")</c> or, in a server action, <c>UpdateTag(tag)</c>.
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <returns>A task that completes when every handler recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called while rendering or inside a cached function.</exception>
    public static Task RevalidateTag(string tag) => CacheRuntime.Current.RevalidateTagAsync(tag);

    /// <summary>
    /// <c>updateTag(tag)</c>: entries with the tag expire now, and the page rendered after this server action shows fresh
    /// data (read-your-own-writes). Only in server actions.
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <returns>A task that completes when every handler recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called outside a server action or inside a cached function.</exception>
    public static Task UpdateTag(string tag) => CacheRuntime.Current.UpdateTagAsync(tag);

    /// <summary><c>revalidatePath(path, type)</c>: expires everything read while rendering the path now.</summary>
    /// <param name="path">A path, or with a type a route template.</param>
    /// <param name="type"><c>"page"</c>, <c>"layout"</c> or <see langword="null"/>.</param>
    /// <returns>A task that completes when every handler recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called while rendering or inside a cached function.</exception>
    public static Task RevalidatePath(string path, string? type = null) => CacheRuntime.Current.RevalidatePathAsync(path, type);

    /// <summary>
    /// <c>refresh()</c>: the page is rendered again after the current server action, with fresh data from everything that is
    /// not cached; tagged caches are untouched.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside a server action.</exception>
    public static void Refresh() => CacheRuntime.Current.Refresh();

    /// <summary>
    /// <c>cookies()</c>: the request's cookies. Reading them makes the response dynamic. Not allowed inside
    /// <c>[UseCache]</c> (read them outside and pass what you need as an argument); allowed in <c>[UseCache("private")]</c>.
    /// In a server action or an endpoint, <see cref="RequestCookies.Set"/> and <see cref="RequestCookies.Delete"/> change them.
    /// </summary>
    /// <returns>The cookies by name.</returns>
    /// <exception cref="InvalidOperationException">Inside a public cached function, or outside a request.</exception>
    public static RequestCookies Cookies()
    {
        var data = RequestData("Cookies()");
        return new RequestCookies(AmbientContext.Current!.Request!, data);
    }

    /// <summary><c>headers()</c>: the request's headers; the same rules as <see cref="Cookies"/>.</summary>
    /// <returns>The headers by case-insensitive name.</returns>
    /// <exception cref="InvalidOperationException">Inside a public cached function, or outside a request.</exception>
    public static IReadOnlyDictionary<string, StringValues> Headers() => RequestData("Headers()").Headers;

    /// <summary><c>searchParams</c>: the request's query string values; the same rules as <see cref="Cookies"/>.</summary>
    /// <returns>The query values by name.</returns>
    /// <exception cref="InvalidOperationException">Inside a public cached function, or outside a request.</exception>
    public static IReadOnlyDictionary<string, StringValues> SearchParams() => RequestData("SearchParams()").SearchParams;

    /// <summary>
    /// <c>connection()</c>: marks what follows as request-time only (the response is dynamic). Not allowed in any cached
    /// function, private ones included.
    /// </summary>
    /// <returns>A completed task.</returns>
    /// <exception cref="InvalidOperationException">Inside a cached function, or outside a request.</exception>
    public static Task Connection()
    {
        var ambient = AmbientContext.Current;
        if (ambient?.Scope is { } scope)
        {
            throw new InvalidOperationException(scope.IsPrivate
                ? ErrorMessages.ConnectionInPrivateCache(ambient.Request?.Route)
                : ErrorMessages.ConnectionInCache(ambient.Request?.Route, scope.Kind));
        }

        var request = ambient?.Request ?? throw new InvalidOperationException(ErrorMessages.RequestApiOutsideRequest("Connection()"));
        request.MarkRequestData("Connection()");
        return Task.CompletedTask;
    }

    /// <summary><c>draftMode()</c>: whether draft mode is on, and switches to turn it on or off. Reading it is allowed everywhere.</summary>
    /// <returns>The draft mode of the current request.</returns>
    /// <exception cref="InvalidOperationException">Outside a request.</exception>
    public static DraftModeState DraftMode()
    {
        var request = AmbientContext.Current?.Request ?? throw new InvalidOperationException(ErrorMessages.RequestApiOutsideRequest("DraftMode()"));
        return new DraftModeState(request);
    }

    /// <summary>
    /// The cache scope <c>CacheTag()</c> or <c>CacheLife()</c> applies to; <see langword="null"/> (the call does nothing) where a
    /// cached component renders live, in an interactive circuit or in the browser; otherwise the error.
    /// </summary>
    private static CacheScope? ScopeFor(string error) =>
        AmbientContext.Current?.Scope ?? (AmbientContext.InLiveRender ? null : throw new InvalidOperationException(error));

    private static IRequestData RequestData(string api)
    {
        var ambient = AmbientContext.Current;
        if (ambient?.Scope is { IsPrivate: false } scope)
        {
            throw new InvalidOperationException(api == "SearchParams()"
                ? ErrorMessages.SearchParamsInCache(ambient.Request?.Route, scope.Kind)
                : ErrorMessages.RequestDataInCache(api, ambient.Request?.Route, scope.Kind));
        }

        var request = ambient?.Request ?? throw new InvalidOperationException(ErrorMessages.RequestApiOutsideRequest(api));
        var data = request.Data ?? throw new InvalidOperationException(ErrorMessages.RequestApiOutsideRequest(api));
        if (ambient.Scope is null)
        {
            request.MarkRequestData(api);
        }

        return data;
    }
}
