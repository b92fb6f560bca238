namespace Strata;

/// <summary>
/// Reads the route template given to <c>RevalidatePath(template, "page")</c> or <c>RevalidatePath(template, "layout")</c> the
/// way the application's router reads its routes, so that it names the same implicit tags as the requests of those routes.
/// The web layer (<c>AddAspNetCore()</c>) registers one that parses ASP.NET Core route templates (constraints, defaults,
/// optional and catch-all markers are left out: <c>/product/{Id:int}</c> is <c>/product/{Id}</c>) and logs a warning when
/// a template matches no route. Without one, a template is used as written, in <see cref="ImplicitTags.Canonical"/> form.
/// </summary>
public interface IRouteTemplateResolver
{
    /// <summary>The template as implicit tags spell it (<see cref="ImplicitTags.ForRequest"/>'s route template).</summary>
    /// <param name="template">What <c>RevalidatePath</c> was given, e.g. <c>/product/{id:int}</c>.</param>
    /// <param name="type"><c>"page"</c> or <c>"layout"</c>.</param>
    /// <returns>The template without constraints, defaults, optional or catch-all markers.</returns>
    string Resolve(string template, string type);
}
