using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Strata;

/// <summary>
/// Next.js's <c>'use client'</c> for a Razor component (<c>@attribute [UseClient]</c>): the component is a client entry,
/// rendered on the server first (its HTML is in the page) and then interactive in the browser on WebAssembly. Components
/// it renders run in the browser with it. Its parameters cross from the server to the browser as JSON, so they must be
/// plain data or server functions (<see cref="Strata.Client.ServerFunction{TResult}"/> and its siblings).
/// </summary>
/// <remarks>
/// This is Blazor's <see cref="RenderModeAttribute"/>: Blazor resolves it as it resolves
/// <c>@rendermode InteractiveWebAssembly</c>. The component must live in an assembly the browser loads (the
/// <c>.Client</c> project of a Blazor Web App), and the server must call <c>AddInteractiveWebAssemblyComponents()</c> and
/// <c>AddInteractiveWebAssemblyRenderMode()</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class UseClientAttribute : RenderModeAttribute
{
    /// <summary>
    /// Whether the server renders the component's HTML into the page before the browser takes over. <see langword="true"/>
    /// by default, as Next.js server-renders client components; <see langword="false"/> renders nothing until WebAssembly
    /// has started.
    /// </summary>
    public bool Prerender { get; init; } = true;

    /// <summary>
    /// Whether the component starts on the server (Interactive Server, over a circuit) while the WebAssembly runtime
    /// downloads, and uses WebAssembly from the next visit on: Blazor's <c>InteractiveAuto</c>. <see langword="false"/> by
    /// default.
    /// </summary>
    public bool Auto { get; init; }

    /// <inheritdoc />
    public override IComponentRenderMode Mode => (Auto, Prerender) switch
    {
        (false, true) => RenderMode.InteractiveWebAssembly,
        (false, false) => new InteractiveWebAssemblyRenderMode(prerender: false),
        (true, true) => RenderMode.InteractiveAuto,
        (true, false) => new InteractiveAutoRenderMode(prerender: false),
    };
}
