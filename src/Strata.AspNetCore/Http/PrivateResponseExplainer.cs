using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Strata.AspNetCore.Http;

/// <summary>
/// In Development, says why Strata sent a response that used caches as <c>Cache-Control: private</c>: the
/// <c>x-strata-private-reason</c> response header on every such response, and one log line per route and reason.
/// Elsewhere it does nothing (the reason names components and routes, which a public response should not disclose).
/// </summary>
internal sealed partial class PrivateResponseExplainer(IHostEnvironment environment, ILogger<PrivateResponseExplainer> logger)
{
    /// <summary>The response header that carries the reason in Development.</summary>
    public const string ReasonHeader = "x-strata-private-reason";

    private readonly bool _enabled = environment.IsDevelopment();
    private readonly ConcurrentDictionary<(string Route, string Reason), byte> _logged = new();

    public void Explain(HttpResponse response, string? route, string reason)
    {
        if (!_enabled)
        {
            return;
        }

        response.Headers[ReasonHeader] = Ascii(reason);
        route ??= "(no route)";
        if (_logged.TryAdd((route, reason), 0))
        {
            LogPrivate(route, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Route {Route} used caches but was sent with Cache-Control: private because {Reason}. " +
        "Only a page whose every part is cached and reads no request data is publicly cacheable (docs/web/revalidation-and-headers.md).")]
    private partial void LogPrivate(string route, string reason);

    /// <summary>Header values must be ASCII: anything else (a component's name in another script) becomes '?'.</summary>
    private static string Ascii(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = source[i] is >= ' ' and <= '~' ? source[i] : '?';
        }
    });
}
