using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Http;
using Strata.AspNetCore.Shell;

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
        ShellCapture? capture = null;
        IComponent? component = null;
        if (web is { IsComponentEndpoint: true })
        {
            // While prerendering, what a component reads matters only outside streaming boundaries, which is known once it
            // is in the render tree: the shell capture judges it when the shell is cut.
            capture = web.Request.IsPrerender ? ShellCapture.Of(web.HttpContext) : null;
            if (info.RequestDataReason is { } reason && capture is null)
            {
                web.MarkDynamic($"{info.Name} {reason}");
            }

            if (info.UseCache is not null)
            {
                component = CachedComponent.Create(info.Cached, services.GetRequiredService<IServiceScopeFactory>(), web, web.BaseUri, web.Uri, web.Request.Route);
            }
            else if (web.Refresh?.WrapRoot(componentType) is { } root)
            {
                return root;
            }
        }

        if (component is null)
        {
            component = inner?.CreateInstance(componentType) ?? info.Create(services);
            web?.Refresh?.Created(component, info); // a form post: it may load its data again after the handler
        }

        if (capture is not null)
        {
            web!.Request.RequestDataRead ??= capture.ReadRequestData;
            capture.Created(
                component, componentType,
                info.RequestDataReason is { } read ? $"{info.Name} {read}" : null,
                info.UncachedWorkReason is { } work ? $"{info.Name} {work}" : null);
        }

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
