using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Strata.AspNetCore.Components;

/// <summary>
/// Renders the page of a Blazor form post again, with fresh data, after the form handler called <c>UpdateTag</c>,
/// <c>RevalidatePath</c>, <c>RevalidateTag</c> without a profile or <c>Refresh()</c> (Next.js renders the page again after
/// such a server action). Blazor renders the whole page before it runs the handler and then renders only the handler's
/// component again, so: every cached component of the page looks its entry up again, and every component of the
/// application that loads data in its lifecycle methods runs them again (<see cref="ComponentLifecycle"/>), except the
/// components that receive the posted form, which keep the state their handler set. This happens once per burst of
/// revalidations, after the handler's current step, and the response waits for it: the root component is wrapped in
/// <see cref="ActionRoot"/>, which hands the work to the renderer as a pending task of a child component. See
/// docs/decisions/web-refresh-after-actions.md.
/// </summary>
internal sealed class PageRefresh(HttpContext context, Type? rootComponent)
{
    private readonly object _gate = new();
    private readonly List<ComponentBase> _components = [];
    private readonly List<CachedComponent> _cached = [];
    private ActionRoot? _root;
    private string? _postedForm;
    private Task _last = Task.CompletedTask;
    private bool _queued;

    /// <summary>The name of the posted form without its mapping scope (the <c>_handler</c> field), or "" when there is none.</summary>
    private string PostedForm => _postedForm ??= LocalName(context.Features.Get<IFormFeature>()?.Form?["_handler"].ToString() ?? "");

    /// <summary>The stand-in for the page's root component (the first time it is created), or <see langword="null"/>.</summary>
    public IComponent? WrapRoot(Type componentType)
    {
        if (_root is not null || componentType != rootComponent)
        {
            return null;
        }

        return _root = new ActionRoot(componentType);
    }

    /// <summary>Remembers a component the activator created, if it runs its lifecycle again on a refresh.</summary>
    public void Created(IComponent component, ComponentTypeInfo info)
    {
        if (component is ComponentBase instance && info.RunsAgain && !info.ReceivesForm(PostedForm))
        {
            lock (_gate)
            {
                _components.Add(instance);
            }
        }
    }

    /// <summary>Remembers a cached component once it has shown its HTML, to look its entry up again on a refresh.</summary>
    public void Rendered(CachedComponent component)
    {
        lock (_gate)
        {
            _cached.Add(component);
        }
    }

    /// <summary>
    /// <see cref="CacheRequest.Revalidated"/>: schedules a refresh of the page (or joins one that has not started yet) and
    /// hands it to the renderer, so that the response is written only after it. Completes once it is scheduled.
    /// </summary>
    public Task RevalidatedAsync(IReadOnlyList<string> tags)
    {
        var root = _root;
        return root is null ? Task.CompletedTask : root.Dispatcher.InvokeAsync(() => root.Track(Schedule()));
    }

    private Task Schedule()
    {
        if (!_queued)
        {
            _queued = true;
            _last = RefreshAfterAsync(_last);
        }

        return _last;
    }

    private async Task RefreshAfterAsync(Task previous)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await Task.Yield(); // on the renderer's dispatcher: after the handler's current step
        _queued = false;
        ComponentBase[] components;
        CachedComponent[] cached;
        lock (_gate)
        {
            components = [.. _components];
            cached = [.. _cached];
        }

        var work = new List<Task>(components.Length + cached.Length);
        work.AddRange(cached.Select(c => c.RefreshAsync()));
        work.AddRange(components.Select(ComponentLifecycle.RunAgainAsync));
        await Task.WhenAll(work);
    }

    private static string LocalName(string handler)
    {
        // A form in a FormMappingScope posts "[scope]name".
        var end = handler.StartsWith('[') ? handler.IndexOf(']', StringComparison.Ordinal) : -1;
        return end < 0 ? handler : handler[(end + 1)..];
    }

    /// <summary>
    /// What the renderer gets in place of the root component in a form post: it renders the root with the same parameters,
    /// and beside it a <see cref="PendingWork"/> through which a refresh becomes a task the renderer waits for before it
    /// writes the response.
    /// </summary>
    private sealed class ActionRoot(Type root) : IComponent
    {
        private RenderHandle _handle;
        private IReadOnlyDictionary<string, object?> _parameters = new Dictionary<string, object?>();
        private Task _work = Task.CompletedTask;

        public Dispatcher Dispatcher => _handle.Dispatcher;

        public void Attach(RenderHandle renderHandle) => _handle = renderHandle;

        public Task SetParametersAsync(ParameterView parameters)
        {
            _parameters = parameters.ToDictionary();
            _handle.Render(Render);
            return Task.CompletedTask;
        }

        public void Track(Task work)
        {
            if (!ReferenceEquals(work, _work))
            {
                _work = work;
                _handle.Render(Render);
            }
        }

        private void Render(RenderTreeBuilder builder)
        {
            builder.OpenComponent(0, root);
            foreach (var (name, value) in _parameters)
            {
                builder.AddComponentParameter(1, name, value);
            }

            builder.CloseComponent();
            builder.OpenComponent<PendingWork>(2);
            builder.AddComponentParameter(3, nameof(PendingWork.Work), _work);
            builder.CloseComponent();
        }
    }

    /// <summary>Renders nothing; returns its <see cref="Work"/> from <c>SetParametersAsync</c>, so the renderer waits for it.</summary>
    private sealed class PendingWork : IComponent
    {
        public Task? Work { get; private set; }

        public void Attach(RenderHandle renderHandle)
        {
        }

        public Task SetParametersAsync(ParameterView parameters)
        {
            Work = parameters.GetValueOrDefault<Task>(nameof(Work));
            return Work ?? Task.CompletedTask;
        }
    }
}
