namespace Strata.AspNetCore;

/// <summary>Every error text of the web layer, in one place so that the texts, the docs and the tests agree.</summary>
internal static class WebErrorMessages
{
    public const string RequestInUseCacheLink = "https://nextjs.org/docs/messages/next-request-in-use-cache";

    public const string UseStrataWithoutServices =
        "app.UseStrata() needs Strata's web services. Register them in Program.cs: builder.Services.AddStrata().AddAspNetCore();";

    public const string UseStrataMissing =
        "builder.Services.AddStrata().AddAspNetCore() was called, but the request pipeline has no app.UseStrata(): no page would be cached, " +
        "and [UseCache] components would fail. Add it in Program.cs after UseRouting() (if you call it) and before MapRazorComponents:\n" +
        "var app = builder.Build();\napp.UseStrata();\napp.UseAntiforgery();\napp.MapRazorComponents<App>();";

    public static string DashboardWithoutAuthorization(string pattern) =>
        $"The Strata dashboard at \"{pattern}\" has no authorization: it shows what the cache holds and can revalidate any tag or path. " +
        $"Protect it with a policy: app.MapStrataDashboard(\"{pattern}\").RequireAuthorization(\"policy\"); " +
        "or, to open it to every visitor on purpose (a developer machine), say so: .AllowAnonymous().";

    public static string Directive(string kind) => kind == StrataDefaults.DefaultKind ? "[UseCache]" : $"[UseCache(\"{kind}\")]";

    private static string Route(string? route) => string.IsNullOrEmpty(route) ? "(no route)" : route;

    public static string QueryParameterInCache(string? route, string component, string property, string kind) =>
        $"Route {Route(route)} used `[SupplyParameterFromQuery]` ('{property}') inside {Directive(kind)} component {component}. " +
        "Accessing dynamic request data inside a cache scope is not supported. If you need some search params inside a cached component " +
        "read them outside of it (in an uncached parent, with [SupplyParameterFromQuery] or SearchParams()) and pass only the values you need " +
        $"as parameters, which become part of its cache key; or use [UseCache(\"private\")]. See more info here: {RequestInUseCacheLink}";

    public static string CascadingParameterInCache(string? route, string component, string property, string attribute, string kind) =>
        $"Route {Route(route)} used the cascading parameter '{property}' ([{attribute}]) inside {Directive(kind)} component {component}. " +
        "Cascading values come from the components around a cached component and from the request, and are not part of its cache key, " +
        "so a cached copy could show another request's value. Pass the value as a [Parameter] instead (it becomes part of the key), " +
        $"or use [UseCache(\"private\")]. See more info here: {RequestInUseCacheLink}";

    public static string TemplateParameter(string component, string property, string type) =>
        $"The cached component {component} has the template parameter '{property}' ({type}). A template is rendered with values the " +
        "component computes, so it can be neither part of the cache key nor a hole filled in live like a RenderFragment slot. " +
        "Render the items inside the component itself, or pass a plain RenderFragment slot.";

    public static string ParameterNotKeyable(string component, string message) =>
        $"The cached component {component} cannot be rendered: its parameters are its cache key. " +
        (message.StartsWith("Argument '", StringComparison.Ordinal) ? "Parameter '" + message["Argument '".Length..] : message);

    public static string RequestDataComponentInCache(string? route, string outer, string kind, string inner, string reason) =>
        $"Route {Route(route)} rendered {inner} inside {Directive(kind)} component {outer}, but {inner} {reason}. " +
        "Request data inside a cache scope is not supported: the cached HTML would be shown to every visitor. Render " +
        $"{inner} outside the cached component, or pass it in as a RenderFragment slot (ChildContent), which is rendered live " +
        $"on every request. See more info here: {RequestInUseCacheLink}";

    public static string SectionInCache(string outer, string kind, string inner) =>
        $"{inner} (PageTitle, HeadContent or SectionContent) cannot be rendered inside {Directive(kind)} component {outer}: it renders " +
        "into another part of the page (the head or a SectionOutlet), which is not part of the cached HTML. Put it in an uncached " +
        "parent, or pass it in as a RenderFragment slot.";

    public static string InteractiveInCache(string outer, string kind, string inner) =>
        $"The interactive component {inner} cannot be rendered inside {Directive(kind)} component {outer}: cached HTML is static. " +
        "Render it outside the cached component, or pass it in as a RenderFragment slot (ChildContent), which is rendered live.";
}
