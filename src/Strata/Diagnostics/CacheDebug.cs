using Microsoft.Extensions.Logging;

namespace Strata;

/// <summary>
/// Verbose cache logging, the counterpart of <c>NEXT_PRIVATE_DEBUG_CACHE=1</c>: with <c>STRATA_DEBUG_CACHE=1</c> (or
/// <see cref="StrataOptions.DebugCache"/>), every get, set, hit, miss, stale read and revalidation is logged with the
/// function and a readable key.
/// </summary>
internal static class CacheDebug
{
    private static volatile bool s_enabled = IsTruthy(Environment.GetEnvironmentVariable(StrataDefaults.DebugEnvironmentVariable));

    public static bool Enabled => s_enabled;

    public static void Enable() => s_enabled = true;

    internal static void Reset() => s_enabled = IsTruthy(Environment.GetEnvironmentVariable(StrataDefaults.DebugEnvironmentVariable));

    public static bool IsTruthy(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase));

    public static void Log(ILogger logger, string operation, string kind, CacheFunction? function, CacheKey key, string? detail = null)
    {
        if (!s_enabled)
        {
            return;
        }

        logger.LogInformation(
            "[strata cache] {Operation} kind={Kind} function={Function} key={Key} {Readable}{Detail}",
            operation,
            kind,
            function?.DisplayName ?? "-",
            key.ToString(),
            key.Description ?? "",
            detail is null ? "" : " " + detail);
    }
}
