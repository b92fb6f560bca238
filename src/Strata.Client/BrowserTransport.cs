using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using System.Text.Json;

namespace Strata.Client;

/// <summary>
/// Calls a server function from WebAssembly through the page's <c>fetch</c> (wwwroot/Strata.Client.lib.module.js, loaded
/// by Blazor as a JavaScript initializer): the page's origin and cookies go with it, Strata's router cache sees the answer
/// (it drops its entries when the server function revalidated), and a redirect or a revalidation navigates as Blazor does.
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class BrowserTransport
{
    public static async Task<(int Status, string Body)> CallAsync(string id, string? captured, string arguments, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var answer = await Call(id, captured, arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(answer);
        return (document.RootElement.GetProperty("status").GetInt32(), document.RootElement.GetProperty("body").GetString() ?? "");
    }

    [JSImport("globalThis.Strata.client.call")]
    private static partial Task<string> Call(string id, string? captured, string arguments);
}
