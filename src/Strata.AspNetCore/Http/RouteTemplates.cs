using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Strata.AspNetCore.Http;

/// <summary>
/// Route templates as implicit tags spell them, read by ASP.NET Core's own parser (<c>RoutePatternFactory</c>): literals,
/// separators and parameter names, without constraints, defaults, optional or catch-all markers
/// (<c>/product/{Id:int}</c> is <c>/product/{Id}</c>, <c>/code/{code:regex(^\d{{3}}$)}</c> is <c>/code/{code}</c>). The
/// same rule serves the route of every request (<see cref="Of"/>) and the templates given to <c>RevalidatePath</c>
/// (<see cref="Resolve"/>), which also warns when a template matches no route of the application.
/// </summary>
internal sealed partial class RouteTemplates(IServiceProvider services, ILogger<RouteTemplates> logger) : IRouteTemplateResolver
{
    private static readonly ConditionalWeakTable<RoutePattern, string> Templates = [];

    /// <summary>The template of an endpoint's route, or <see langword="null"/> when it has none.</summary>
    public static string? Of(Endpoint? endpoint) =>
        endpoint is RouteEndpoint { RoutePattern: { } pattern } ? Templates.GetValue(pattern, Spell) : null;

    /// <summary>The template of <c>RevalidatePath(template, type)</c>; logs a warning when it matches no route.</summary>
    public string Resolve(string template, string type)
    {
        ArgumentNullException.ThrowIfNull(template);
        string spelled;
        try
        {
            spelled = Spell(RoutePatternFactory.Parse(template));
        }
        catch (RoutePatternException ex)
        {
            LogInvalidTemplate(template, ex.Message);
            return template;
        }

        var endpoints = services.GetService<EndpointDataSource>()?.Endpoints ?? [];
        var canonical = ImplicitTags.Canonical(spelled);
        if (endpoints.Count > 0 && !endpoints.Any(e => Of(e) is { } route && Matches(ImplicitTags.Canonical(route), canonical, type)))
        {
            var pages = endpoints.Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null).Select(Of).OfType<string>().Distinct().Take(20);
            LogNoRoute(template, type, string.Join(", ", pages));
        }

        return spelled;
    }

    /// <summary>Whether the implicit tag of <c>RevalidatePath(template, type)</c> is one of the route's.</summary>
    private static bool Matches(string route, string template, string type) =>
        type == "layout"
            ? template == "/" || route == template || route.StartsWith(template + "/", StringComparison.Ordinal)
            : route == template;

    private static string Spell(RoutePattern pattern)
    {
        var builder = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            builder.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternParameterPart parameter:
                        builder.Append('{').Append(parameter.Name).Append('}');
                        break;
                    case RoutePatternLiteralPart literal:
                        builder.Append(literal.Content.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
                        break;
                    case RoutePatternSeparatorPart separator:
                        builder.Append(separator.Content);
                        break;
                }
            }
        }

        return builder.Length == 0 ? "/" : builder.ToString();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "RevalidatePath(\"{Template}\", \"{Type}\") matches no route of this application, so it expires nothing. Pass the route template of a page (constraints may be left out), or a path without a type. Pages: {Routes}")]
    private partial void LogNoRoute(string template, string type, string routes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "RevalidatePath was given \"{Template}\", which is not a valid route template ({Reason}); it is used as written.")]
    private partial void LogInvalidTemplate(string template, string reason);
}
