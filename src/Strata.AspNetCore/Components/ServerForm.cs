using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Strata.AspNetCore.Server;

namespace Strata.AspNetCore;

/// <summary>
/// A form that calls a server function (<c>&lt;form action={serverFunction}&gt;</c> in Next.js). It posts to the current
/// page, so it works without JavaScript; with Blazor's enhanced navigation (<see cref="Enhance"/>) the page is updated in
/// place. The function gets the posted fields (<see cref="FormData"/>, or parameters named as fields) and the captured
/// values of <see cref="Action"/>; the response is the page rendered after it (with what it revalidated), or the redirect
/// it asked for.
/// <code>
/// &lt;ServerForm Action="@ServerAction.Bind(ProductActions.UpdatePost, Id)"&gt;
///     &lt;input name="title" /&gt; &lt;button&gt;Save&lt;/button&gt;
/// &lt;/ServerForm&gt;
/// </code>
/// </summary>
public sealed class ServerForm : ComponentBase
{
    /// <summary>The server function to call, from <see cref="ServerAction.Of"/> or <see cref="ServerAction.Bind"/>.</summary>
    [Parameter, EditorRequired]
    public ServerActionReference Action { get; set; } = null!;

    /// <summary>Whether Blazor's enhanced navigation submits the form (<c>data-enhance</c>) when JavaScript runs. <see langword="true"/> by default.</summary>
    [Parameter]
    public bool Enhance { get; set; } = true;

    /// <summary>The form's fields and buttons.</summary>
    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    /// <summary>Other attributes of the <c>&lt;form&gt;</c> element (class, id...).</summary>
    [Parameter(CaptureUnmatchedValues = true)]
    public IReadOnlyDictionary<string, object>? AdditionalAttributes { get; set; }

    [Inject]
    private IServiceProvider Services { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var token = Action.Resolve(Services);
        builder.OpenElement(0, "form");
        builder.AddMultipleAttributes(1, AdditionalAttributes);
        builder.AddAttribute(2, "method", "post");
        builder.AddAttribute(3, "action", "/" + Navigation.ToBaseRelativePath(Navigation.Uri));
        if (Enhance)
        {
            builder.AddAttribute(4, "data-enhance", true);
        }

        // The action field comes first: the server recognises the call by the first bytes of the body.
        builder.OpenElement(5, "input");
        builder.AddAttribute(6, "type", "hidden");
        builder.AddAttribute(7, "name", ServerActionHandler.ActionField);
        builder.AddAttribute(8, "value", token.Id);
        builder.CloseElement();
        if (token.Captured is not null)
        {
            builder.OpenElement(9, "input");
            builder.AddAttribute(10, "type", "hidden");
            builder.AddAttribute(11, "name", ServerActionHandler.CapturedField);
            builder.AddAttribute(12, "value", token.Captured);
            builder.CloseElement();
        }

        builder.AddContent(13, ChildContent);
        builder.CloseElement();
    }
}
