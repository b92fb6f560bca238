using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>Every diagnostic of Strata's analyzers. Ids are stable; each links to its page under docs/diagnostics/.</summary>
internal static partial class Descriptors
{
    private const string Category = "Strata";

    /// <summary>Where the page of each id is (the repository's PackageProjectUrl, Directory.Build.props).</summary>
    public const string HelpBase = "https://github.com/strata-dotnet/strata/blob/main/docs/diagnostics/";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

    public static readonly DiagnosticDescriptor NotAsync = Error(
        "STRATA001",
        "A [UseCache] method must be async",
        "'{0}' returns {1}, but {2} methods must be async: return Task<T> or ValueTask<T> (a cached method produces a value that callers await)");

    public static readonly DiagnosticDescriptor NotVirtual = Error(
        "STRATA002",
        "A [UseCache] method must be virtual",
        "'{0}' must be virtual: Strata caches it by overriding it in a generated subclass. Add 'virtual' to its declaration{1}.");

    public static readonly DiagnosticDescriptor Static = Error(
        "STRATA003",
        "A [UseCache] method must not be static",
        "'{0}' is static, but {1} methods are cached through a generated subclass of a class resolved from dependency injection. Make it an instance 'virtual' method of a registered class, or cache a lambda with Cache.Function(...) instead.");

    public static readonly DiagnosticDescriptor SealedClass = Error(
        "STRATA004",
        "The class of a [UseCache] method must not be sealed",
        "'{0}' is sealed, so Strata cannot generate the subclass that caches its [UseCache] methods. Remove 'sealed'.");

    public static readonly DiagnosticDescriptor Generic = Error(
        "STRATA005",
        "Generic [UseCache] methods and classes are not supported",
        "'{0}' is generic ({1}); Strata's generator cannot cache generic methods or methods of generic classes yet. Make it non-generic (e.g. one method per type), or cache a lambda with Cache.Function(...).");

    public static readonly DiagnosticDescriptor RefParameter = Error(
        "STRATA006",
        "A [UseCache] method cannot have ref, out or in parameters",
        "Parameter '{0}' of '{1}' is '{2}': a cached call returns a stored result and cannot write back to, or keep a reference to, the caller's variables. Pass it by value and return what the caller needs.");

    public static readonly DiagnosticDescriptor KeyType = Error(
        "STRATA007",
        "A [UseCache] parameter must be plain data",
        "Parameter '{0}' of '{1}' cannot be part of a cache key: {2} is of type {3}, which {4}. Cache keys are built from plain data only (numbers, strings, enums, Guid, dates, byte arrays, arrays, lists, dictionaries, sets, and records or classes whose state is public properties); inject services through the constructor and pass only the data the method needs.");

    public static readonly DiagnosticDescriptor RequestData = Error(
        "STRATA008",
        "Request data cannot be read inside [UseCache]",
        "'{0}' used `{1}` inside {2}. {3}");

    public static readonly DiagnosticDescriptor Connection = Error(
        "STRATA009",
        "Connection() cannot be called inside a cached function",
        "'{0}' used `Connection()` inside {1}. {2}");

    public static readonly DiagnosticDescriptor Revalidation = Error(
        "STRATA010",
        "Revalidation cannot happen inside a cached function",
        "'{0}' used \"{1}\" inside a {2} which is unsupported. To ensure revalidation is performed consistently it must always happen outside of renders and cached functions. Call it from a server action, an endpoint or a background service instead. See more info here: https://nextjs.org/docs/app/building-your-application/rendering/static-and-dynamic#dynamic-rendering");

    public static readonly DiagnosticDescriptor OutsideScope = Warning(
        "STRATA011",
        "CacheLife and CacheTag only work inside a cached function",
        "`{0}()` can only be called inside a [UseCache] function, and '{1}' is not one (nor a Cache.Function lambda, nor a cached component). Move the call into the cached method; if this code only ever runs inside one, the run-time check still applies.");

    public static readonly DiagnosticDescriptor KindTypo = Error(
        "STRATA012",
        "Unknown cache kind close to a known one",
        "Did you mean \"{1}\"? \"{0}\" is not a known cache kind. Known kinds are \"default\", \"remote\", \"private\" and those registered with AddCacheHandler(\"<kind>\", ...).");

    public static readonly DiagnosticDescriptor KindName = Error(
        "STRATA013",
        "Invalid cache kind name",
        "\"{0}\" is not a valid cache kind: a kind uses only the characters a-z and - (e.g. \"remote\", \"product-catalog\")");

    public static readonly DiagnosticDescriptor Conflict = Error(
        "STRATA014",
        "[UseCache] and [UseServer] conflict",
        "Conflicting directives [UseServer] and [UseCache] found on '{0}'. A method or class cannot be both a server function and a cached function. Please remove one of them.");

    public static readonly DiagnosticDescriptor MutableResult = Warning(
        "STRATA015",
        "A [UseCache] result of a mutable type is copied on every hit",
        "'{0}' returns {1}, which {2}, so every cache hit deserializes a fresh copy. Return an immutable type (a record with init-only properties, ImmutableArray<T>, an immutable or frozen collection) to get the same instance on every hit, without copying.");

    public static readonly DiagnosticDescriptor UnknownProfile = Warning(
        "STRATA016",
        "Unknown CacheLife profile",
        "`CacheLife(\"{0}\")`: \"{0}\" is not a built-in profile (default, seconds, minutes, hours, days, weeks, max) and is not configured in this project. Configure it with AddStrata(options => options.CacheLife[\"{0}\"] = new() {{ ... }}) or under \"Strata:CacheLife\" in appsettings.json (add it as an AdditionalFiles item so the analyzer sees it); otherwise it throws at run time.{1}");

    public static readonly DiagnosticDescriptor CannotSubclass = Error(
        "STRATA017",
        "The class of a [UseCache] method cannot be subclassed",
        "'{0}' {1}, so Strata cannot generate the subclass that caches its [UseCache] methods. {2}");

    public static readonly DiagnosticDescriptor CapturedNotKeyable = Warning(
        "STRATA018",
        "A cached lambda captures a value that is refused at run time unless it is registered",
        "The Cache.Function lambda captures '{0}' of type {1}, which {2}. What a cached lambda captures is part of its key, so at run time this value is refused unless it is plain data or {1} is infrastructure: registered in the DI container or with CacheKeyPassThrough.Register. Pass the data the lambda needs instead (as an argument, or a captured local of plain data), or register {1} if the lambda only uses it to fetch data.");

    public static readonly DiagnosticDescriptor CapturedRefused = Error(
        "STRATA019",
        "A cached lambda captures request state or a Razor component",
        "The Cache.Function lambda captures '{0}' of type {1}, which {2}, so it is refused at run time. {3}");

    public static readonly DiagnosticDescriptor PassThroughInspected = Error(
        "STRATA020",
        "A pass-through value is inspected inside a cached function",
        "{0} {1} the pass-through parameter '{2}' ({3}). Pass-through values are left out of the cache key, so a hit would return what another caller's value produced. Only hand it on (as an argument) or return it; pass the data the function needs as a keyed parameter instead.");

    public static readonly DiagnosticDescriptor UncopyableResult = Warning(
        "STRATA030",
        "A [UseCache] result type cannot be copied faithfully",
        "'{0}' returns {1}, which {2}. A copy would not be what the call returned, so such results are returned uncached (with a warning at run time). Make the type immutable (a record with init-only properties, ImmutableArray<T> or FrozenDictionary<TKey, TValue>, or [ImmutableObject(true)]), make it copy faithfully (public properties that are settable or set by constructor parameters; [JsonInclude] for a non-public setter), or register a serializer that copies it with StrataOptions.Serializer.");

    public static readonly DiagnosticDescriptor PrivateInsidePublic = Error(
        "STRATA060",
        "A private cache cannot be nested inside a public one",
        "'{0}' calls '{1}': [UseCache(\"private\")] must not be used within {2}. It can only be nested inside of another [UseCache(\"private\")].");

    public static readonly DiagnosticDescriptor RemoteInsidePrivate = Error(
        "STRATA061",
        "A remote cache cannot be nested inside a private one",
        "'{0}' calls '{1}': [UseCache(\"remote\")] must not be used within [UseCache(\"private\")]. Remote caches cannot be nested inside private caches: call the remote cache outside the private one and pass its result in as an argument, or use [UseCache] (default) inside the private cache.");
    public static readonly DiagnosticDescriptor ServerNotAsync = Error(
        "STRATA040",
        "A server function must be async",
        "Server Actions must be async functions. '{0}' returns {1}: return Task, Task<T>, ValueTask or ValueTask<T> (in a [UseServer] class every public method is a server function).");

    public static readonly DiagnosticDescriptor ServerNotPublic = Error(
        "STRATA041",
        "A server function must be public",
        "'{0}' has [UseServer] but is not public (or a class containing it is private or protected). A server function is a public entry point: make the method public in a public or internal class, or remove [UseServer].");

    public static readonly DiagnosticDescriptor ServerWireType = Error(
        "STRATA042",
        "A server function's parameter or result cannot cross the wire",
        "The {1} of server function '{0}' has type {2}, which {3}. Arguments arrive from the browser as JSON or form fields and results return as JSON: use plain data (primitives, strings, enums, dates, Guid, records and classes of them, arrays, lists, dictionaries with string keys), FormData for a posted form, and CancellationToken for the request's cancellation.");

    public static readonly DiagnosticDescriptor ServerNotResolvable = Error(
        "STRATA043",
        "A server function's class cannot be resolved",
        "Server function '{0}' {1}. {2}");

    public static readonly DiagnosticDescriptor ProxyNotAsync = Error(
        "STRATA055",
        "A method of a [UseServer] interface must be async",
        "Server Actions must be async functions. '{0}' is a method of a [UseServer] interface and returns {1}: return Task, Task<T>, ValueTask or ValueTask<T>, because client code calls it over the network.");

    public static readonly DiagnosticDescriptor ProxyGeneric = Error(
        "STRATA056",
        "A [UseServer] interface and its methods cannot be generic",
        "'{0}' {1}: client code calls it by one action id with JSON arguments, so no type argument can cross. Make the interface and the method non-generic (declare one method per type).");

    public static readonly DiagnosticDescriptor ProxyRefParameter = Error(
        "STRATA057",
        "A method of a [UseServer] interface cannot take ref, out, in or params parameters",
        "Parameter '{1}' of '{0}' is a ref, out, in or params parameter, but a call from client code can only send values to the server. Pass it by value, and return what the method computes.");

    public static readonly DiagnosticDescriptor ProxyWireType = Error(
        "STRATA058",
        "A parameter or result of a [UseServer] interface method cannot cross to the browser",
        "The {1} of '{0}' has type {2}, which {3}. Only plain objects, and a few built-ins, can be passed to Server Actions: client code sends arguments and receives results as JSON, so use plain data (primitives, strings, enums, dates, Guid, records and classes of them, arrays, lists, dictionaries with string keys) and CancellationToken to cancel the call; functions, streams and services cannot cross.");

    public static readonly DiagnosticDescriptor ProxyMember = Error(
        "STRATA059",
        "A [UseServer] interface declares something its proxy cannot implement",
        "'{0}' {1}. Client code imports a [UseServer] interface through a generated proxy whose every method calls the server: declare only instance methods without a body, no base interfaces, [UseServer] on the interface itself, and reference Strata.Client from the project that declares it.");
}
