using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.AspNetCore.Http;
using Strata.AspNetCore.Components;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// What a prerender notes about the components of a page until its shell is cut (the first part Blazor writes, before any
/// streamed part): the components that read request data the engine cannot see, or that may read data no cache tracks,
/// and the components whose code read <c>Cookies()</c>, <c>Headers()</c>, <c>SearchParams()</c> or called
/// <c>Connection()</c> (found on the stack). Whether they matter depends on where they are: inside a streaming boundary (a
/// <c>[StreamRendering]</c> component and what it renders) they are rendered again for every request, and what differs
/// from the shell is sent with it, so the shell may hold them; outside one they would be frozen into it. That is known only
/// once they are in the render tree, so they are judged when the shell is cut (<see cref="Cut"/>); a component first
/// rendered after the cut is in a streamed part. Stored in <see cref="HttpContext.Features"/> of a prerender.
/// </summary>
#pragma warning disable BL0006 // the renderer is asked only where a component is (its parent chain), through ComponentState's public members
internal sealed class ShellCapture(Renderer? renderer)
{
    private static readonly MethodInfo? GetComponentState = typeof(Renderer).GetMethod(
        "GetComponentState", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(IComponent)]);

    private readonly Lock _gate = new();
    private readonly List<Suspect> _suspects = [];
    private readonly Dictionary<Type, List<IComponent>> _components = [];
    private readonly List<(Type? Reader, string Api)> _reads = [];
    private bool _cut;

    public static ShellCapture? Of(HttpContext context) => context.Features.Get<ShellCapture>();

    /// <summary>Notes a component created for the page, and why it may read request data (<paramref name="requestDataReason"/>) or uncached data (<paramref name="uncachedWorkReason"/>), if so.</summary>
    public void Created(IComponent component, Type type, string? requestDataReason, string? uncachedWorkReason)
    {
        lock (_gate)
        {
            if (_cut)
            {
                return;
            }

            (CollectionsMarshal.GetValueRefOrAddDefault(_components, type, out _) ??= []).Add(component);
            if (requestDataReason is not null)
            {
                _suspects.Add(new Suspect(component, requestDataReason, ReadsRequest: true));
            }

            if (uncachedWorkReason is not null)
            {
                _suspects.Add(new Suspect(component, uncachedWorkReason, ReadsRequest: false));
            }
        }
    }

    /// <summary>
    /// Notes that <paramref name="api"/> was read and which component's code read it (from the stack: a prerender is rare,
    /// so the cost does not matter). Reads after the cut are in streamed parts and are not noted.
    /// </summary>
    public void ReadRequestData(string api)
    {
        lock (_gate)
        {
            if (_cut)
            {
                return;
            }
        }

        var reader = ReaderOnStack();
        lock (_gate)
        {
            if (!_cut)
            {
                _reads.Add((reader, api));
            }
        }
    }

    /// <summary>
    /// The shell is cut (at the first part Blazor writes, or at the end of a page that did not stream): components noted so
    /// far that are inside a streaming boundary no longer count, nor do reads by components all of whose instances are
    /// inside one; nothing after this is noted. Call it where the render tree is stable (on the renderer's dispatcher while
    /// Blazor writes, or once the render ended).
    /// </summary>
    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            var inside = _suspects.RemoveAll(s => InsideStreamingBoundary(s.Component)) +
                _reads.RemoveAll(r => r.Reader is not null && _components.TryGetValue(r.Reader, out var instances) && instances.TrueForAll(InsideStreamingBoundary));
            HasRequestTimeParts = inside > 0;
        }
    }

    /// <summary>
    /// Whether, at the cut, something inside a streaming boundary read request data or may show uncached data: the page must
    /// be rendered for each request even if nothing of it was still streaming when the prerender wrote it.
    /// </summary>
    public bool HasRequestTimeParts { get; private set; }

    /// <summary>Why the page reads request data outside a streaming boundary (the prerender error), or <see langword="null"/>.</summary>
    public string? RequestDataReason
    {
        get
        {
            lock (_gate)
            {
                return _suspects.FirstOrDefault(s => s.ReadsRequest)?.Reason
                    ?? _reads.Select(r => r.Reader is null ? $"{r.Api} was read" : $"{ComponentTypeInfo.ReadableName(r.Reader)} read {r.Api}").FirstOrDefault();
            }
        }
    }

    /// <summary>Why a component outside streaming boundaries may show data no cache tracks, or <see langword="null"/>.</summary>
    public string? UncachedWorkReason
    {
        get
        {
            lock (_gate)
            {
                return _suspects.FirstOrDefault(s => !s.ReadsRequest)?.Reason;
            }
        }
    }

    /// <summary>
    /// Whether the component is a <c>[StreamRendering]</c> component or inside one, as Blazor decides it: the nearest
    /// component up the (logical) parent chain with the attribute says. Unknown components count as outside.
    /// </summary>
    private bool InsideStreamingBoundary(IComponent component)
    {
        if (renderer is null || GetComponentState is null)
        {
            return false;
        }

        ComponentState? state;
        try
        {
            state = (ComponentState?)GetComponentState.Invoke(renderer, [component]);
        }
        catch (TargetInvocationException)
        {
            return false; // not (or no longer) in the tree
        }

        for (; state is not null; state = state.LogicalParentComponentState)
        {
            if (state.Component.GetType().GetCustomAttribute<StreamRenderingAttribute>() is { } streaming)
            {
                return streaming.Enabled;
            }
        }

        return false;
    }

    /// <summary>The first application component on the stack (a lifecycle method, or its async state machine), or <see langword="null"/>.</summary>
    private static Type? ReaderOnStack()
    {
        foreach (var frame in new StackTrace(2, fNeedFileInfo: false).GetFrames())
        {
            for (var type = frame.GetMethod()?.DeclaringType; type is not null; type = type.DeclaringType)
            {
                if (typeof(IComponent).IsAssignableFrom(type) && type.Assembly != typeof(ShellCapture).Assembly &&
                    type.Assembly.GetName().Name?.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) != true)
                {
                    return type;
                }
            }
        }

        return null;
    }

    private sealed record Suspect(IComponent Component, string Reason, bool ReadsRequest);
}
#pragma warning restore BL0006
