using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Strata.AspNetCore.Http;

/// <summary>
/// The route template of an endpoint as implicit tags use it: constraints, defaults and optional markers are removed
/// (<c>/product/{id:int}</c> becomes <c>/product/{id}</c>), so that <c>RevalidatePath("/product/{id}", "page")</c> matches.
/// </summary>
internal static class RouteTemplates
{
    public static string? Of(Endpoint? endpoint) =>
        endpoint is RouteEndpoint { RoutePattern.RawText: { } raw } ? Normalize(raw) : null;

    public static string Normalize(string template)
    {
        var builder = new StringBuilder(template.Length + 1);
        if (!template.StartsWith('/'))
        {
            builder.Append('/');
        }

        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '{')
            {
                builder.Append(c);
                continue;
            }

            // {name}, {*name}, {**name}, {name:int}, {name=default}, {name?}: keep the name (and a catch-all star).
            var end = template.IndexOf('}', i);
            if (end < 0)
            {
                builder.Append(template, i, template.Length - i);
                break;
            }

            var inner = template.AsSpan(i + 1, end - i - 1);
            var stars = 0;
            while (stars < inner.Length && inner[stars] == '*')
            {
                stars++;
            }

            var name = inner[stars..];
            var stop = name.IndexOfAny(':', '=', '?');
            if (stop >= 0)
            {
                name = name[..stop];
            }

            builder.Append('{').Append('*', Math.Min(stars, 1)).Append(name).Append('}');
            i = end;
        }

        var result = builder.ToString();
        return result.Length > 1 ? result.TrimEnd('/') : result;
    }
}
