using Microsoft.Extensions.Logging;

namespace Strata;

/// <summary>
/// <c>STRATA_DEBUG_CACHE</c> / <c>Strata:DebugCache</c>: a runtime with it on logs every cache operation with readable keys
/// (<see cref="CacheRuntime.DebugCache"/>). It is a property of each runtime, read when the runtime is made; nothing here is
/// process-wide but the environment variable itself.
/// </summary>
internal static class CacheDebug
{
    /// <summary>Whether <c>STRATA_DEBUG_CACHE</c> is set to a true value.</summary>
    public static bool FromEnvironment => IsTruthy(Environment.GetEnvironmentVariable(StrataDefaults.DebugEnvironmentVariable));

    public static bool IsTruthy(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether a key built for <paramref name="function"/> should carry a readable description: when the runtime it was last
    /// bound to logs; before its first call, when the current runtime logs. Descriptions only feed log lines.
    /// </summary>
    public static bool Describes(CacheFunction function) =>
        (function.Binding?.Runtime ?? AmbientContext.Current?.Runtime ?? CacheRuntime.Default)?.DebugCache ?? FromEnvironment;

    public static void Log(ILogger logger, string operation, string kind, CacheFunction? function, CacheKey key, string? detail = null) =>
        logger.LogInformation(
            "[strata cache] {Operation} kind={Kind} function={Function} key={Key} {Readable}{Detail}",
            operation,
            kind,
            function?.DisplayName ?? "-",
            key.ToString(),
            key.Description ?? "",
            detail is null ? "" : " " + detail);
}
