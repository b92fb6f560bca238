namespace Strata;

/// <summary>
/// Implicit ("soft") tags: the tags every entry read while rendering a path carries without storing them, so that
/// <c>RevalidatePath</c> can expire it (Next.js's <c>_N_T_</c> tags). Paths and route templates are compared in one
/// canonical form (<see cref="Canonical"/>), as the router compares them: without regard to case or a trailing slash.
/// </summary>
public static class ImplicitTags
{
    private const string EncodedSlash = "%2F";

    /// <summary>
    /// The implicit tags of a request: <c>layout</c> for the root and for each segment of the route template (the last one
    /// included), the template's <c>page</c> tag, and the concrete path, all in canonical form. For template
    /// <c>/blog/{slug}</c> and path <c>/blog/hello</c>: <c>_N_T_/layout</c>, <c>_N_T_/blog/layout</c>,
    /// <c>_N_T_/blog/{slug}/layout</c>, <c>_N_T_/blog/{slug}/page</c>, <c>_N_T_/blog/hello</c>.
    /// </summary>
    /// <param name="routeTemplate">
    /// The route template without constraints, defaults, optional or catch-all markers (e.g. <c>/product/{id}</c>; the web
    /// layer strips them); the path itself when there is none.
    /// </param>
    /// <param name="path">The request path, decoded (e.g. <c>/product/1</c>).</param>
    /// <returns>The tags.</returns>
    public static IReadOnlyList<string> ForRequest(string routeTemplate, string path)
    {
        ArgumentNullException.ThrowIfNull(routeTemplate);
        ArgumentNullException.ThrowIfNull(path);
        var template = Canonical(routeTemplate);
        var segments = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var tags = new List<string>(segments.Length + 4) { Tag("/layout") };
        var prefix = "";
        foreach (var segment in segments)
        {
            prefix += "/" + segment;
            tags.Add(Tag(prefix + "/layout"));
        }

        tags.Add(Tag(prefix + "/page"));
        var canonicalPath = Canonical(path);
        tags.Add(Tag(canonicalPath));
        if (canonicalPath == "/")
        {
            tags.Add(Tag("/index"));
        }

        return tags;
    }

    /// <summary>
    /// The tags <c>RevalidatePath(path, type)</c> expires: <c>_N_T_</c> + the canonical path (+ <c>/</c> + type);
    /// <c>/</c> and <c>/index</c> imply each other. A path with percent-escapes also expires its decoded form (the request
    /// path is compared decoded), so that neither way of writing it misses.
    /// </summary>
    /// <param name="path">The path or, with a type, the route template (in canonical form, see <see cref="IRouteTemplateResolver"/>).</param>
    /// <param name="type"><c>"page"</c>, <c>"layout"</c> or <see langword="null"/>.</param>
    /// <returns>The tags.</returns>
    public static IReadOnlyList<string> ForRevalidatePath(string path, string? type)
    {
        ArgumentNullException.ThrowIfNull(path);
        var tags = new List<string>(2);
        Add(tags, Canonical(path), type);
        if (path.Contains('%', StringComparison.Ordinal))
        {
            Add(tags, Canonical(DecodeExceptSlashes(path)), type);
        }

        return tags;

        static void Add(List<string> tags, string canonical, string? type)
        {
            var suffix = string.IsNullOrEmpty(type) ? "" : (canonical == "/" ? "" : "/") + type;
            AddOnce(tags, Tag(canonical + suffix));
            if (suffix.Length == 0 && canonical is "/" or "/index")
            {
                AddOnce(tags, Tag(canonical == "/" ? "/index" : "/"));
            }
        }

        static void AddOnce(List<string> tags, string tag)
        {
            if (!tags.Contains(tag))
            {
                tags.Add(tag);
            }
        }
    }

    /// <summary>
    /// The canonical form of a path or route template, as implicit tags use it: one leading slash, no trailing slash, and
    /// lower case (ASP.NET Core routing matches literals and parameter names case-insensitively, so <c>/Product/1</c> and
    /// <c>/product/1</c> are one path; two paths that differ only in case share their tag, which can only expire more).
    /// </summary>
    /// <param name="pathOrTemplate">A path (<c>/Product/1/</c>) or a route template (<c>/product/{Id}</c>).</param>
    /// <returns>The canonical form (<c>/product/1</c>, <c>/product/{id}</c>).</returns>
    public static string Canonical(string pathOrTemplate)
    {
        ArgumentNullException.ThrowIfNull(pathOrTemplate);
        var trimmed = pathOrTemplate.AsSpan().TrimEnd('/');
        if (trimmed.IsEmpty)
        {
            return "/";
        }

        var lower = trimmed.ToString().ToLowerInvariant();
        return lower[0] == '/' ? lower : "/" + lower;
    }

    private static string Tag(string canonical) => StrataDefaults.ImplicitTagPrefix + canonical;

    private static string DecodeExceptSlashes(string path)
    {
        // The server decodes every escape of a request path but %2F (which would change its segments): decode the same way.
        var parts = path.Replace("%2f", EncodedSlash, StringComparison.Ordinal).Split(EncodedSlash, StringSplitOptions.None);
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i].Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(parts[i]) : parts[i];
        }

        return string.Join(EncodedSlash, parts);
    }
}
