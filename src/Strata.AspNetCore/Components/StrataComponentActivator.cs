using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Http;

namespace Strata.AspNetCore.Components;

/// <summary>
/// The component activator Strata puts in front of Blazor's (or the application's): it returns a
/// <see cref="CachedComponent"/> for <c>[UseCache]</c> types, and notes when a component's output depends on request data
/// the engine cannot see, so that the page is not sent as publicly cacheable. Caching applies to server-side rendering
/// of Razor component endpoints; in an interactive circuit components are created as usual (and stay interactive).
/// </summary>
internal sealed class StrataComponentActivator(IServiceProvider services, IComponentActivator? inner, IHttpContextAccessor? accessor) : IComponentActivator
{
    private StrataWebRequest? _web;
    private bool _webResolved;

    public IComponent CreateInstance([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type componentType)
    {
        var info = ComponentTypeInfo.Get(componentType);
        var web = Web;
        if (web is { IsComponentEndpoint: true })
        {
            if (info.RequestDataReason is { } reason)
            {
                web.MarkDynamic($"{info.Name} {reason}");
            }

            if (web.Request.IsPrerender && info.UncachedWorkReason is { } work)
            {
                web.MarkNotStatic($"{info.Name} {work}");
            }

            if (info.UseCache is not null)
            {
                return CachedComponent.Create(info.Cached, services.GetRequiredService<IServiceScopeFactory>(), web, web.BaseUri, web.Uri, web.Request.Route);
            }

            if (web.Refresh?.WrapRoot(componentType) is { } root)
            {
                return root;
            }
        }

        var component = inner?.CreateInstance(componentType) ?? info.Create(services);
        web?.Refresh?.Created(component, info); // a form post: it may load its data again after the handler
        return component;
    }

    private StrataWebRequest? Web
    {
        get
        {
            if (!_webResolved)
            {
                _web = StrataWebRequest.Of(accessor?.HttpContext);
                _webResolved = _web is not null;
            }

            return _web;
        }
    }
}
