using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.AspNetCore;

/// <summary>
/// Adds Strata's client router cache to a page: a small script (no framework, no build step) layered on
/// <c>blazor.web.js</c> enhanced navigation that keeps pages in the browser's memory for <c>max(stale, 30)</c> seconds,
/// prefetches links, and drops what it keeps when a form post or a server function revalidated. Put it in
/// <c>App.razor</c>, before the <c>blazor.web.js</c> script:
/// <code>
/// &lt;StrataScripts /&gt;
/// &lt;script src="@Assets["_framework/blazor.web.js"]"&gt;&lt;/script&gt;
/// </code>
/// In Development the script also loads the cache overlay (<c>strata-overlay.js</c>, see <see cref="CacheOverlayOptions"/>).
/// </summary>
public sealed class StrataScripts : ComponentBase
{
    /// <summary>The path of the script among the static web assets of Strata.AspNetCore.</summary>
    public const string ScriptPath = "_content/Strata.AspNetCore/strata-router.js";

    [Inject]
    private IServiceProvider Services { get; set; } = null!;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.OpenElement(0, "script");
        builder.AddAttribute(1, "type", "module");
        builder.AddAttribute(2, "src", Assets[ScriptPath]);
        if (Services.GetService<Overlay.CacheOverlay>() is { Enabled: true })
        {
            builder.AddAttribute(3, "data-strata-overlay", "");
        }

        builder.CloseElement();
    }
}
