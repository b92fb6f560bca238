namespace Strata;

/// <summary>A server function's argument could not be read: the call is refused (400) and the function does not run.</summary>
public sealed class ServerArgumentException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="parameterName">The parameter whose value is invalid, or <see langword="null"/> for the payload as a whole.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The parser's error, if any.</param>
    public ServerArgumentException(string? parameterName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ParameterName = parameterName;
    }

    /// <summary>The parameter whose value is invalid, or <see langword="null"/> for the payload as a whole.</summary>
    public string? ParameterName { get; }
}
