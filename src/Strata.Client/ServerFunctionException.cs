using System.Text.Json;

namespace Strata.Client;

/// <summary>
/// A server function called from the browser failed or refused the call: the error the server answered
/// (docs/use-server.md), e.g. <c>server_error</c> with a digest (the message only in Development), <c>invalid_arguments</c>,
/// <c>not_found</c> (the page is from another deployment: reload it), <c>unauthorized</c> or <c>forbidden</c>.
/// </summary>
public sealed class ServerFunctionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The error code.</param>
    /// <param name="message">The message.</param>
    /// <param name="digest">The digest that identifies the error in the server's logs, if any.</param>
    public ServerFunctionException(int status, string code, string message, string? digest = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Digest = digest;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The error code: <c>server_error</c>, <c>invalid_arguments</c>, <c>not_found</c>, <c>unauthorized</c>, <c>forbidden</c>, <c>invalid_origin</c>, <c>body_too_large</c>.</summary>
    public string Code { get; }

    /// <summary>The digest that identifies the error in the server's logs, or <see langword="null"/>.</summary>
    public string? Digest { get; }

    internal static ServerFunctionException FromResponse(int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error))
            {
                return new ServerFunctionException(
                    status,
                    error.TryGetProperty("code", out var code) ? code.GetString() ?? "" : "",
                    error.TryGetProperty("message", out var message) ? message.GetString() ?? "" : "",
                    error.TryGetProperty("digest", out var digest) ? digest.GetString() : null);
            }
        }
        catch (JsonException)
        {
            // not the server function protocol's answer (a proxy's error page): reported below
        }

        return new ServerFunctionException(status, "http_error", $"The server function call failed with HTTP status {status}.");
    }
}
