using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Client;

/// <summary>
/// The one calling path from the browser to a server function, shared by <see cref="ServerFunction{TResult}"/> parameters
/// and the generated proxies of <c>[UseServer]</c> interfaces: the arguments as a JSON array POSTed through the page's
/// fetch (<see cref="BrowserTransport"/>), the result read back as JSON, an error answer thrown as
/// <see cref="ServerFunctionException"/>.
/// </summary>
internal static class ServerCalls
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() }, // the server reads enums by name (docs/use-server.md)
    };

    public static async Task<TResult> FromBrowserAsync<TResult>(string id, string? captured, object?[] arguments, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsBrowser())
        {
            throw new InvalidOperationException(
                "This server function can only be called from the browser (WebAssembly) here: a ServerFunction parameter that crossed into an interactive server circuit (the server phase of [UseClient(Auto = true)], or Interactive Server) carries only its id, and a [UseServer] interface proxy only exists in the browser. Inject the [UseServer] interface instead of taking a ServerFunction parameter (on the server it resolves to the class that implements it, which the circuit calls directly), or use [UseClient] without Auto.");
        }

        var answer = await BrowserTransport.CallAsync(id, captured, JsonSerializer.Serialize(arguments, Json), cancellationToken).ConfigureAwait(false);
        if (answer.Status is >= 200 and < 300)
        {
            return string.IsNullOrEmpty(answer.Body) ? default! : JsonSerializer.Deserialize<TResult>(answer.Body, Json)!;
        }

        throw ServerFunctionException.FromResponse(answer.Status, answer.Body);
    }
}
