using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Strata;

/// <summary>
/// [UseClient] as Strata.Client declares it, for the Razor components of these tests (this project does not reference
/// Strata.Client): the analyzer matches it by metadata name.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UseClientAttribute : RenderModeAttribute
{
    /// <summary>Runs the component on WebAssembly.</summary>
    public override IComponentRenderMode Mode => RenderMode.InteractiveWebAssembly;
}
