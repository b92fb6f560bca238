namespace Strata;

/// <summary>
/// Every error text of the engine, adapted from Next.js 16.0.0 (<c>server/request/*.ts</c>, <c>use-cache-wrapper.ts</c>,
/// <c>cache-life.ts</c>, <c>revalidate.ts</c>) to C# names. One place, so the texts, the docs and the tests agree.
/// </summary>
internal static class ErrorMessages
{
    public const string RequestInUseCacheLink = "https://nextjs.org/docs/messages/next-request-in-use-cache";

    public static string Route(string? route) => string.IsNullOrEmpty(route) ? "(no route)" : route;

    public static string Directive(string kind) => kind == StrataDefaults.DefaultKind ? "[UseCache]" : $"[UseCache(\"{kind}\")]";

    public static string RequestDataInCache(string api, string? route, string kind) =>
        $"Route {Route(route)} used `{api}` inside {Directive(kind)}. Accessing Dynamic data sources inside a cache scope is not supported. " +
        $"If you need this data inside a cached function use `{api}` outside of the cached function and pass the required dynamic data in as an argument. " +
        $"See more info here: {RequestInUseCacheLink}";

    public static string SearchParamsInCache(string? route, string kind) =>
        $"Route {Route(route)} used `SearchParams()` inside {Directive(kind)}. Accessing dynamic request data inside a cache scope is not supported. " +
        "If you need some search params inside a cached function read `SearchParams()` outside of the cached function and pass only the required search params as arguments to the cached function. " +
        $"See more info here: {RequestInUseCacheLink}";

    public static string ConnectionInCache(string? route, string kind) =>
        $"Route {Route(route)} used `Connection()` inside {Directive(kind)}. The `Connection()` function is used to indicate the subsequent code must only run when there is an actual request, " +
        "but caches must be able to be produced before a request, so this function is not allowed in this scope. " +
        $"See more info here: {RequestInUseCacheLink}";

    public static string ConnectionInPrivateCache(string? route) =>
        $"Route {Route(route)} used `Connection()` inside [UseCache(\"private\")]. The `Connection()` function is used to indicate the subsequent code must only run when there is an actual navigation request, " +
        "but caches must be able to be produced before a navigation request, so this function is not allowed in this scope. " +
        $"See more info here: {RequestInUseCacheLink}";

    public static string DraftModeChangeInCache(string expression, string? route, string kind) =>
        $"Route {Route(route)} used \"{expression}\" inside {Directive(kind)}. The enabled status of `DraftMode()` can be read in caches but you must not enable or disable `DraftMode()` inside a cache. " +
        $"See more info here: {RequestInUseCacheLink}";

    public static string CookieWriteOutsideAction(string expression, string? route) =>
        $"{expression} was called while rendering{(route is null ? "" : $" the route \"{route}\"")}. Cookies can only be modified in a Server Action or Route Handler: " +
        "set them in a [UseServer] function, a form handler or an endpoint. Read more: https://nextjs.org/docs/app/api-reference/functions/cookies#options";

    public static string RequestApiOutsideRequest(string api) =>
        $"`{api}` was called outside of a request. Request data only exists while an HTTP request is being handled " +
        "(in a Razor component, an endpoint or a server action). In a background service, pass the values you need explicitly instead.";

    public static string RevalidateInCache(string expression, string? route, string kind) =>
        $"Route {Route(route)} used \"{expression}\" inside a {Directive(kind)} which is unsupported. To ensure revalidation is performed consistently it must always happen outside of renders and cached functions. " +
        "See more info here: https://nextjs.org/docs/app/building-your-application/rendering/static-and-dynamic#dynamic-rendering";

    public static string RevalidateDuringRender(string expression, string? route) =>
        $"Route {Route(route)} used \"{expression}\" during render which is unsupported. To ensure revalidation is performed consistently it must always happen outside of renders and cached functions. " +
        "Call it from a server action (a form post or a [UseServer] function), an endpoint or a background service instead. " +
        "See more info here: https://nextjs.org/docs/app/building-your-application/rendering/static-and-dynamic#dynamic-rendering";

    public const string UpdateTagOutsideAction =
        "UpdateTag can only be called from within a Server Action. To invalidate cache tags in Route Handlers or other contexts, use RevalidateTag instead. " +
        "See more info here: https://nextjs.org/docs/app/api-reference/functions/updateTag";

    public const string RefreshOutsideAction =
        "Refresh can only be called from within a Server Action. " +
        "See more info here: https://nextjs.org/docs/app/api-reference/functions/refresh";

    public const string RevalidateTagWithoutProfile =
        "\"RevalidateTag\" without the second argument is now deprecated, add second argument of \"max\" or use \"UpdateTag\". " +
        "See more info here: https://nextjs.org/docs/messages/revalidate-tag-single-arg";

    public static string InvalidRevalidateProfile(string profile) =>
        $"Invalid profile provided \"{profile}\" must be configured under CacheLife in the Strata options or be \"max\".";

    public static string CacheLifeOutsideCache => OutsideCache("CacheLife()");

    public static string CacheTagOutsideCache => OutsideCache("CacheTag()");

    /// <summary>Next.js's text, then the causes seen in practice, most likely first, each with its fix.</summary>
    private static string OutsideCache(string api) =>
        $"`{api}` can only be called inside a [UseCache] function. It ran outside any cache scope; the likely causes:\n" +
        "- the method or component that calls it is not [UseCache] (add the attribute, or move the call into a cached method);\n" +
        "- a [UseCache] method was called on an instance that is not Strata's generated cached subclass: one made with `new`, " +
        "or registered through a factory, an instance or after AddStrata() (inject it, and call builder.Services.AddStrata() after registering it);\n" +
        "- a [UseCache] component was rendered in a request that app.UseStrata() did not see (call app.UseStrata() after UseRouting() and before " +
        "MapRazorComponents), or by a renderer of your own (HtmlRenderer), where components render uncached.";

    public const string PrivateInsidePublic =
        "[UseCache(\"private\")] must not be used within [UseCache]. It can only be nested inside of another [UseCache(\"private\")].";

    public const string RemoteInsidePrivate =
        "[UseCache(\"remote\")] must not be used within [UseCache(\"private\")]. Remote caches cannot be nested inside private caches: " +
        "call the remote cache outside the private one and pass its result in as an argument, or use [UseCache] (default) inside the private cache.";

    public static string PrivateInRouteHandler(string? route) =>
        $"Route {Route(route)} used [UseCache(\"private\")] in an endpoint. Private caches are not available in Route Handlers (endpoints): their " +
        "results are kept only in the browser's router cache, which keeps pages, not endpoint responses. Read the request data in the endpoint " +
        "and pass what you need to a [UseCache] function as an argument, or render the private part in a Razor component.";

    public const string PrivateOutsideRequest =
        "[UseCache(\"private\")] cannot be used outside of a request context. Private caches read request data (cookies, headers, search params) " +
        "and are kept only in the browser, so they run while a request is handled (a Razor component, an endpoint or a server action).";

    public static string FillTimedOut(string function, double seconds) =>
        $"Filling the cache entry of {function} did not finish within {Seconds(seconds)} s (Strata:FillTimeout). The callers that joined it " +
        "get this error and the next call runs the function again; the run itself is not stopped and its result is not stored. Find what " +
        "the function waits for (a lock, a query or HTTP call without a timeout, a task that never completes), or raise Strata:FillTimeout " +
        "if it legitimately takes this long.";

    public static string PrerenderFillTimedOut(string? route, string function, string kind, double seconds) =>
        $"Route {Route(route)}: filling a cache during prerender timed out after {Seconds(seconds)} s ({function}), likely because " +
        $"request-specific arguments such as route parameters, SearchParams(), Cookies() or dynamic data were used inside {Directive(kind)}. " +
        "Resolve the data before calling the cached function and pass only the values you need, or move the part that needs the request " +
        "into a [StreamRendering] boundary (Strata:PrerenderFillTimeout). " +
        $"See more info here: {RequestInUseCacheLink}";

    private static string Seconds(double seconds) => seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    public static string RevalidateGreaterThanExpire(string name) =>
        "If providing both the revalidate and expire options, the expire option must be greater than the revalidate option. " +
        "The expire option indicates how many seconds from the start until it can no longer be used." +
        (name.Length > 0 ? $" (profile \"{name}\")" : "");

    public static string UnknownProfile(string name, string? suggestion)
    {
        var text =
            $"Unknown `CacheLife()` profile \"{name}\" is not configured in the Strata options\n" +
            $"builder.Services.AddStrata(options => options.CacheLife[\"{name}\"] = new() {{ Stale = ..., Revalidate = ..., Expire = ... }});\n" +
            "or in appsettings.json:\n" +
            $"\"Strata\": {{ \"CacheLife\": {{ \"{name}\": {{ ... }} }} }}";
        return suggestion is null ? text : text + $"\nDid you mean \"{suggestion}\"?";
    }

    public static string UnknownKind(string kind) =>
        $"Unknown cache kind \"{kind}\". Please configure a cache handler for this kind: " +
        $"builder.Services.AddStrata().AddCacheHandler(\"{kind}\", new MyCacheHandler()), " +
        $"or AddRedisCacheHandler(\"{kind}\", ...) from Strata.Redis.";

    public static string UnknownKinds(IEnumerable<string> kinds) =>
        "These cache kinds are used but have no cache handler: " + string.Join(", ", kinds.Select(k => $"\"{k}\"")) + ". " +
        "Register one for each: builder.Services.AddStrata().AddCacheHandler(\"<kind>\", new MyCacheHandler()), " +
        "or AddRedisCacheHandler(\"<kind>\", ...) from Strata.Redis.";

    public const string PrivateHandler = "The cache handler for [UseCache(\"private\")] cannot be customized.";

    public static string InvalidKindName(string kind) =>
        $"Invalid handler fields configured for \"CacheHandlers\":\n{kind}: key must only use characters a-z and -";

    public static string NoRuntime =>
        "No Strata cache runtime is configured. Call builder.Services.AddStrata() when you build your host " +
        "(or create a CacheRuntime and call its Use() method) before calling cached functions.";
}
