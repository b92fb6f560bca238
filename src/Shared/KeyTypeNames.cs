namespace Strata;

/// <summary>
/// Type names the cache-key rules know by name, so that neither the engine nor the analyzers need the assemblies that
/// define them. Compiled into the engine and into the analyzers (linked source): one list for both.
/// </summary>
internal static class KeyTypeNames
{
    /// <summary>Request state: never plain data and never infrastructure; refused as an argument and as a captured value.</summary>
    public static readonly string[] RequestState =
    {
        "Microsoft.AspNetCore.Http.HttpContext",
        "Microsoft.AspNetCore.Http.HttpRequest",
        "Microsoft.AspNetCore.Http.HttpResponse",
        "Microsoft.AspNetCore.Http.ISession",
        "Microsoft.AspNetCore.Http.IHttpContextAccessor",
        "Microsoft.AspNetCore.Http.IRequestCookieCollection",
        "Microsoft.AspNetCore.Http.IHeaderDictionary",
        "Microsoft.AspNetCore.Http.IQueryCollection",
        "Microsoft.AspNetCore.Http.ConnectionInfo",
        "System.Security.Claims.ClaimsPrincipal",
        "System.Security.Claims.ClaimsIdentity",
    };

    /// <summary>
    /// The framework's services (generic definitions as <c>Name`1</c>): infrastructure a cached lambda may capture without
    /// it being part of the key, whatever the DI container says.
    /// </summary>
    public static readonly string[] Infrastructure =
    {
        "System.IServiceProvider",
        "Microsoft.Extensions.DependencyInjection.IServiceScopeFactory",
        "Microsoft.Extensions.Logging.ILogger",
        "Microsoft.Extensions.Logging.ILogger`1",
        "Microsoft.Extensions.Logging.ILoggerFactory",
        "Microsoft.Extensions.Options.IOptions`1",
        "Microsoft.Extensions.Options.IOptionsMonitor`1",
        "Microsoft.Extensions.Options.IOptionsSnapshot`1",
        "Microsoft.Extensions.Configuration.IConfiguration",
        "System.TimeProvider",
        "Strata.CacheRuntime",
        "Microsoft.EntityFrameworkCore.DbContext",
        "System.Net.Http.HttpClient",
        "System.Net.Http.IHttpClientFactory",
        "Microsoft.Extensions.Caching.Memory.IMemoryCache",
        "Microsoft.Extensions.Caching.Distributed.IDistributedCache",
        "Microsoft.Extensions.Caching.Hybrid.HybridCache",
        "Microsoft.Extensions.Hosting.IHostEnvironment",
    };
}
