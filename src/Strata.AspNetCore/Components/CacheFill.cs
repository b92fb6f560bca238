using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.HtmlRendering.Infrastructure;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Strata.AspNetCore.Components;

/// <summary>
/// A miss of a cached component: renders the real component once, to HTML, with a marker in place of each RenderFragment
/// parameter, then cuts the HTML at the markers. It runs inside the engine's cache scope, so <c>CacheLife</c>,
/// <c>CacheTag</c> and nested caches (components or functions) shape the entry, and it uses a DI scope of its own (with the
/// NavigationManager set to the request's address), so the same fill also works as a background refresh after the request
/// that started it has ended, and cannot pick up request-scoped state.
/// </summary>
internal sealed class CacheFill(CachedComponentType type, Dictionary<string, object?> parameters, IServiceScopeFactory scopes, string? baseUri, string? uri, string? route)
{
    public async ValueTask<CachedHtml> RenderAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var navigation = services.GetService<NavigationManager>();
        string? redirect = null;
        var notFound = false;
        if (navigation is not null)
        {
            if (baseUri is not null && uri is not null && navigation is IHostEnvironmentNavigationManager host)
            {
                host.Initialize(baseUri, uri, to =>
                {
                    redirect ??= to;
                    return Task.CompletedTask;
                });
            }

            navigation.OnNotFound += (_, _) => notFound = true;
        }

        var fill = new FillHoles(type.Holes);
        var values = new Dictionary<string, object?>(parameters, StringComparer.OrdinalIgnoreCase);
        var holes = type.Holes;
        for (var i = 0; i < holes.Count; i++)
        {
            if (values.TryGetValue(holes[i], out var slot) && slot is not null)
            {
                var marker = fill.Markers.For(i);
                values[holes[i]] = (RenderFragment)(builder => builder.AddMarkupContent(0, marker));
            }
        }

        var activator = new FillActivator(type, services, scopes, baseUri, uri, route);
        await using var renderer = new FillRenderer(new FillServices(services, activator), services.GetRequiredService<ILoggerFactory>(), type, fill);
        string html;
        try
        {
            html = await renderer.Dispatcher.InvokeAsync(async () =>
            {
                var root = renderer.BeginRenderingComponent(type.ComponentType, ParameterView.FromDictionary(values));
                await root.QuiescenceTask;
                return root.ToHtmlString();
            });
        }
        catch (NavigationException ex)
        {
            redirect ??= ex.Location;
            html = "";
        }

        // NotFound() or NavigateTo() in the component: nothing is stored (errors are never cached) and the page's own
        // navigation manager answers the request (a 404 with the not-found page, or the redirect), as notFound() and
        // redirect() in a "use cache" component do in Next.js.
        if (notFound)
        {
            throw new CachedNavigationException(location: null);
        }

        if (redirect is not null)
        {
            throw new CachedNavigationException(redirect);
        }

        return CachedHtml.Parse(html, fill);
    }

    /// <summary>
    /// The renderer of a fill: Blazor's static HTML renderer. An interactive component is not rendered here: a
    /// <see cref="ClientCapture"/> keeps its type, render mode and parameters in the entry, and every render of the entry
    /// renders it live (<see cref="CachedClient"/>).
    /// </summary>
    private sealed class FillRenderer(IServiceProvider services, ILoggerFactory loggerFactory, CachedComponentType type, FillHoles holes) : StaticHtmlRenderer(services, loggerFactory)
    {
        protected override IComponent ResolveComponentForRenderMode(Type componentType, int? parentComponentId, IComponentActivator componentActivator, IComponentRenderMode renderMode) =>
            new ClientCapture(componentType, renderMode, holes, type);
    }

    /// <summary>
    /// Creates the components of a fill: the real component at the root; nested <c>[UseCache]</c> components as cached
    /// components again (their entries nest in this one); and refuses components whose output depends on the request.
    /// </summary>
    private sealed class FillActivator(CachedComponentType type, IServiceProvider services, IServiceScopeFactory scopes, string? baseUri, string? uri, string? route) : IComponentActivator
    {
        private bool _rootCreated;

        public IComponent CreateInstance([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type componentType)
        {
            var info = ComponentTypeInfo.Get(componentType);
            if (!_rootCreated && componentType == type.ComponentType)
            {
                _rootCreated = true;
                return info.Create(services);
            }

            if (info.IsSection)
            {
                throw new InvalidOperationException(WebErrorMessages.SectionInCache(type.Name, type.Kind, info.Name));
            }

            if (info.RequestDataReason is { } reason && !type.IsPrivate)
            {
                throw new InvalidOperationException(WebErrorMessages.RequestDataComponentInCache(route, type.Name, type.Kind, info.Name, reason));
            }

            if (info.UseCache is not null)
            {
                return CachedComponent.Create(info.Cached, scopes, null, baseUri, uri, route);
            }

            return info.Create(services);
        }
    }

    /// <summary>The fill's DI scope, with the fill's activator in place of the application's.</summary>
    private sealed class FillServices(IServiceProvider inner, IComponentActivator activator) : IServiceProvider, IKeyedServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IComponentActivator) ? activator : inner.GetService(serviceType);

        public object? GetKeyedService(Type serviceType, object? serviceKey) =>
            inner is IKeyedServiceProvider keyed ? keyed.GetKeyedService(serviceType, serviceKey) : null;

        public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
            inner is IKeyedServiceProvider keyed ? keyed.GetRequiredKeyedService(serviceType, serviceKey)
                : throw new InvalidOperationException($"No keyed service for type '{serviceType}' has been registered.");
    }
}

/// <summary>
/// A cached component called <c>NavigationManager.NotFound()</c> (<see cref="Location"/> is <see langword="null"/>) or
/// <c>NavigateTo</c> while it was filled: the fill fails, so no entry is stored, and the component that asked for it replays
/// the navigation on the page's navigation manager.
/// </summary>
internal sealed class CachedNavigationException(string? location)
    : Exception(location is null ? "The cached component called NavigationManager.NotFound()." : $"The cached component navigated to {location}.")
{
    public string? Location { get; } = location;
}
