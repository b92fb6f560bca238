namespace Strata;

/// <summary>
/// Thrown when an argument (or a value captured by a cached lambda) cannot be part of a cache key. The message names the
/// parameter, the path inside it (e.g. <c>filter.Owner.Session</c>), the type, and what to do instead.
/// </summary>
public sealed class CacheKeyException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="parameterName">The parameter (or captured variable) at fault.</param>
    /// <param name="path">The path inside it, e.g. <c>filter.Owner.Session</c>.</param>
    /// <param name="offendingType">The type that cannot be encoded.</param>
    public CacheKeyException(string message, string parameterName, string path, Type? offendingType)
        : base(message, parameterName)
    {
        Path = path;
        OffendingType = offendingType;
    }

    /// <summary>The path to the value that cannot be encoded, starting with the parameter name.</summary>
    public string Path { get; }

    /// <summary>The type of the value that cannot be encoded.</summary>
    public Type? OffendingType { get; }
}
