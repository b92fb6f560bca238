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

    public const string UseStrataBeforeRouting =
        "app.UseStrata() is called before app.UseRouting(): Strata's request scope runs before the endpoint is chosen, so it cannot tell pages " +
        "from other endpoints and no page would be cached. Call app.UseStrata() after app.UseRouting() (or remove app.UseRouting(): " +
        "WebApplication adds routing at the start of the pipeline by itself):\n" +
        "app.UseRouting();\napp.UseStrata();\napp.UseAntiforgery();\napp.MapRazorComponents<App>();";

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

    public static string UnknownRenderModeInCache(string outer, string kind, string inner, string mode) =>
        $"The component {inner} has the render mode {mode}, which {Directive(kind)} component {outer} cannot keep in its entry: a cached " +
        "component keeps an interactive child as its type, its render mode and its parameters, and renders it again from them, which " +
        "works for InteractiveWebAssembly, InteractiveAuto and InteractiveServer. Use one of those, or render the component outside " +
        "the cached component, or pass it in as a RenderFragment slot (ChildContent), which is rendered live.";

    public static string BoundServerFunctionInCache(string outer, string kind, string inner, string parameter) =>
        $"{Directive(kind)} component {outer} passes a server function with captured values (ServerAction.Bind) to parameter '{parameter}' " +
        $"of the client component {inner}. The captured values travel protected, with an expiry, so a cached copy of the reference would " +
        "stop working once it is older than that: pass the values as arguments of the server function instead (the client component calls " +
        "it with them), use ServerAction.Of without captured values, or render the client component outside the cached component.";
}
