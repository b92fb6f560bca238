namespace Strata;

/// <summary>
/// The defaults and limits of Strata, in one place. The numbers are those of Next.js 16
/// (<c>server/config-shared.ts</c>, <c>lib/constants.ts</c>).
/// </summary>
public static class StrataDefaults
{
    /// <summary>"Never", in seconds: Next.js's <c>INFINITE_CACHE</c> (0xfffffffe, about 136 years).</summary>
    public const double InfiniteSeconds = 4294967294;

    /// <summary>The default in-memory cache budget: 50 MB (Next.js <c>cacheMaxMemorySize</c>).</summary>
    public const long CacheMaxMemorySize = 50L * 1024 * 1024;

    /// <summary>The longest tag <c>CacheTag()</c> accepts: 256 characters.</summary>
    public const int MaxTagLength = 256;

    /// <summary>The number of tags after which <c>CacheTag()</c> drops the rest: 128.</summary>
    public const int MaxTagCount = 128;

    /// <summary>The longest path <c>RevalidatePath()</c> accepts: 1024 characters.</summary>
    public const int MaxSoftTagLength = 1024;

    /// <summary>The prefix of implicit (path) tags: <c>_N_T_</c>, as in Next.js, so handlers written for both agree.</summary>
    public const string ImplicitTagPrefix = "_N_T_";

    /// <summary>The stale time the browser keeps a page at least: 30 seconds.</summary>
    public const double MinimumClientStaleSeconds = 30;

    /// <summary>The <c>stale</c> of the default profile when none is configured: 300 seconds.</summary>
    public const double DefaultStaleSeconds = 300;

    /// <summary>The <c>revalidate</c> of the default profile: 900 seconds (15 minutes).</summary>
    public const double DefaultRevalidateSeconds = 900;

    /// <summary>
    /// How long after a failed refresh (or a fail-safe fallback) the function is not tried again for the same key: 10 seconds.
    /// </summary>
    public const double FailSafeRetryIntervalSeconds = 10;

    /// <summary>How long a cache fill may run before the callers waiting for it get an error and its key is free again: 60 seconds.</summary>
    public const double FillTimeoutSeconds = 60;

    /// <summary>How long a cache fill may run while a page is prerendered: 50 seconds (Next.js's prerender fill timeout).</summary>
    public const double PrerenderFillTimeoutSeconds = 50;

    /// <summary>The environment variable that turns on verbose cache logging: <c>STRATA_DEBUG_CACHE=1</c>.</summary>
    public const string DebugEnvironmentVariable = "STRATA_DEBUG_CACHE";

    /// <summary>The configuration section Strata binds its options from: <c>Strata</c>.</summary>
    public const string ConfigurationSection = "Strata";

    /// <summary>The built-in cache kind of <c>[UseCache]</c>: <c>default</c>.</summary>
    public const string DefaultKind = "default";

    /// <summary>The built-in shared cache kind <c>[UseCache("remote")]</c>; served by the default handler until one is registered.</summary>
    public const string RemoteKind = "remote";

    /// <summary>The built-in kind <c>[UseCache("private")]</c>: never stored on the server.</summary>
    public const string PrivateKind = "private";
}
