namespace Strata;

/// <summary>
/// Implicit ("soft") tags: the tags every entry read while rendering a path carries without storing them, so that
/// <c>RevalidatePath</c> can expire it (Next.js's <c>_N_T_</c> tags).
/// </summary>
public static class ImplicitTags
{
    /// <summary>
    /// The implicit tags of a request: one <c>layout</c> tag for each segment of the route template, the template's
    /// <c>page</c> tag, and the concrete path. For template <c>/blog/{slug}</c> and path <c>/blog/hello</c>:
    /// <c>_N_T_/layout</c>, <c>_N_T_/blog/layout</c>, <c>_N_T_/blog/{slug}/page</c>, <c>_N_T_/blog/hello</c>.
    /// </summary>
    /// <param name="routeTemplate">The route template (e.g. <c>/product/{id}</c>); the path itself when there is none.</param>
    /// <param name="path">The request path (e.g. <c>/product/1</c>).</param>
    /// <returns>The tags.</returns>
    public static IReadOnlyList<string> ForRequest(string routeTemplate, string path)
    {
        ArgumentNullException.ThrowIfNull(routeTemplate);
        ArgumentNullException.ThrowIfNull(path);
        var template = Normalize(routeTemplate);
        var tags = new List<string> { StrataDefaults.ImplicitTagPrefix + "/layout" };
        var segments = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var prefix = "";
        for (var i = 0; i < segments.Length; i++)
        {
            prefix += "/" + segments[i];
            tags.Add(StrataDefaults.ImplicitTagPrefix + prefix + (i == segments.Length - 1 ? "/page" : "/layout"));
        }

        if (segments.Length == 0)
        {
            tags.Add(StrataDefaults.ImplicitTagPrefix + "/page");
        }

        var normalizedPath = Normalize(path);
        tags.Add(StrataDefaults.ImplicitTagPrefix + normalizedPath);
        if (normalizedPath == "/")
        {
            tags.Add(StrataDefaults.ImplicitTagPrefix + "/index");
        }

        return tags;
    }

    /// <summary>The tags <c>RevalidatePath(path, type)</c> expires: <c>_N_T_</c> + path (+ <c>/</c> + type); <c>/</c> and <c>/index</c> imply each other.</summary>
    /// <param name="path">The path or route template.</param>
    /// <param name="type"><c>"page"</c>, <c>"layout"</c> or <see langword="null"/>.</param>
    /// <returns>The tags.</returns>
    public static IReadOnlyList<string> ForRevalidatePath(string path, string? type)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = Normalize(path);
        var suffix = string.IsNullOrEmpty(type) ? "" : (normalized == "/" ? "" : "/") + type;
        var tags = new List<string> { StrataDefaults.ImplicitTagPrefix + normalized + suffix };
        if (normalized == "/" && suffix.Length == 0)
        {
            tags.Add(StrataDefaults.ImplicitTagPrefix + "/index");
        }
        else if (normalized == "/index" && suffix.Length == 0)
        {
            tags.Add(StrataDefaults.ImplicitTagPrefix + "/");
        }

        return tags;
    }

    private static string Normalize(string path)
    {
        if (path.Length == 0)
        {
            return "/";
        }

        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }
}
