using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Http;
using Strata.AspNetCore.Overlay;

namespace Strata.AspNetCore.Components;

/// <summary>
/// What the renderer gets in place of a <c>[UseCache]</c> component. It reads its parameters, looks the HTML up through the
/// engine (<see cref="CacheRuntimeCalls.RunAsync{TState, TResult}(CacheRuntime, CacheFunction, ref CacheKeyBuilder, TState, Func{TState, ValueTask{TResult}})"/>,
/// so tags, lifetimes, stampede protection, stale-while-revalidate and nesting all behave as for cached methods) and renders
/// it, with the RenderFragment parameters rendered live in the holes. On a hit the real component is never created: no
/// constructor, no lifecycle method, no injected service. On a miss, <see cref="CacheFill"/> renders it once, to HTML.
/// </summary>
internal class CachedComponent : IComponent
{
    private readonly CachedComponentType _type;
    private readonly IServiceScopeFactory _scopes;
    private readonly StrataWebRequest? _web;
    private readonly string? _baseUri;
    private readonly string? _uri;
    private readonly string? _route;
    private readonly RenderFragment _render;
    private RenderHandle _handle;
    private Dictionary<string, object?>? _parameters;
    private CachedHtml? _html;
    private bool _tracked;
    private string? _overlay;

    public CachedComponent(CachedComponentType type, IServiceScopeFactory scopes, StrataWebRequest? web, string? baseUri, string? uri, string? route)
    {
        _type = type;
        _scopes = scopes;
        _web = web;
        _baseUri = baseUri;
        _uri = uri;
        _route = route;
        _render = Render;
    }

    public static CachedComponent Create(CachedComponentType type, IServiceScopeFactory scopes, StrataWebRequest? web, string? baseUri, string? uri, string? route) =>
        type.IsStreaming ? new StreamingCachedComponent(type, scopes, web, baseUri, uri, route) : new CachedComponent(type, scopes, web, baseUri, uri, route);

    public void Attach(RenderHandle renderHandle) => _handle = renderHandle;

    public Task SetParametersAsync(ParameterView parameters)
    {
        _type.Validate(_route);
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in parameters)
        {
            values[parameter.Name] = parameter.Value;
        }

        _parameters = values;
        var lookup = LookupAsync();
        if (lookup.IsCompletedSuccessfully)
        {
#pragma warning disable RS0030 // completed successfully (checked above): Result does not block
            Show(lookup.Result);
#pragma warning restore RS0030
            return Task.CompletedTask;
        }

        return ShowWhenFilledAsync(lookup);
    }

    /// <summary>When the page of a form post is refreshed (<see cref="PageRefresh"/>): look the entry up again and render again.</summary>
    public Task RefreshAsync() => _handle.Dispatcher.InvokeAsync(async () =>
    {
        var lookup = LookupAsync();
#pragma warning disable RS0030 // read only when completed successfully: does not block
        Show(lookup.IsCompletedSuccessfully ? lookup.Result : await lookup);
#pragma warning restore RS0030
    });

    private ValueTask<CachedHtml> LookupAsync()
    {
        var key = new CacheKeyBuilder(_type.Function, stackalloc byte[256]);
        try
        {
            _type.AddKey(ref key, _parameters!, _uri);
        }
        catch (CacheKeyException ex)
        {
            key.Dispose();
            var message = ex.ParamName is { } name && ex.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
                ? ex.Message[..^$" (Parameter '{name}')".Length]
                : ex.Message;
            throw new CacheKeyException(WebErrorMessages.ParameterNotKeyable(_type.Name, message), ex.ParamName ?? "", ex.Path, ex.OffendingType);
        }

        var runtime = _web?.Request.Runtime ?? CacheRuntime.Current;
        var fill = new CacheFill(_type, _parameters!, _scopes, _baseUri, _uri, _route);
        var overlay = CacheOverlay.For(_web);
        _overlay = null;
        using var observe = overlay is null ? null : CacheRequest.ObserveReads((entry, outcome) => _overlay = overlay.PartStart(_type, entry, outcome));
        return runtime.RunAsync(_type.Function, ref key, fill, static f => f.RenderAsync());
    }

    private async Task ShowWhenFilledAsync(ValueTask<CachedHtml> lookup)
    {
        _web?.BeginFill();
        CachedHtml html;
        try
        {
            html = await lookup;
        }
        catch (CachedNavigationException navigation) when (_web is not null)
        {
            Navigate(_web, navigation); // inside another fill (no request), the exception travels on to the outermost cached component
            return;
        }
        finally
        {
            _web?.EndFill();
        }

        Show(html);
    }

    /// <summary>
    /// Replays <c>NotFound()</c> or <c>NavigateTo</c> of a fill on the page's navigation manager, which answers with the
    /// not-found page or the redirect (and may throw <see cref="NavigationException"/> for the renderer to handle).
    /// </summary>
    private static void Navigate(StrataWebRequest web, CachedNavigationException navigation)
    {
        var manager = web.HttpContext.RequestServices.GetRequiredService<NavigationManager>();
        if (navigation.Location is { } location)
        {
            manager.NavigateTo(location);
        }
        else
        {
            manager.NotFound();
        }
    }

    private void Show(CachedHtml html)
    {
        _html = html;
        _handle.Render(_render);
        if (!_tracked && _web?.Refresh is { } refresh)
        {
            _tracked = true;
            refresh.Rendered(this);
        }
    }

    private void Render(RenderTreeBuilder builder)
    {
        var html = _html!;
        var segments = html.Segments;
        var holes = html.Holes;
        if (_overlay is { } overlay)
        {
            builder.AddMarkupContent(2, overlay);
        }

        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].Length > 0)
            {
                builder.AddMarkupContent(0, segments[i]);
            }

            if (i >= holes.Length)
            {
                continue;
            }

            if (html.ClientAt(i) is { } client)
            {
                client.Render(builder);
            }
            else if (_parameters!.TryGetValue(holes[i], out var slot) && slot is RenderFragment fragment)
            {
                builder.AddContent(1, fragment);
            }
        }

        if (_overlay is not null)
        {
            builder.AddMarkupContent(3, CacheOverlay.PartEnd);
        }
    }
}

/// <summary>The same, for components marked <c>[StreamRendering]</c>: Blazor reads the attribute from the instance's type.</summary>
[StreamRendering]
internal sealed class StreamingCachedComponent(CachedComponentType type, IServiceScopeFactory scopes, StrataWebRequest? web, string? baseUri, string? uri, string? route)
    : CachedComponent(type, scopes, web, baseUri, uri, route);
