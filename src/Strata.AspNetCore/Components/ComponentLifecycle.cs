using System.Reflection;
using Microsoft.AspNetCore.Components;

namespace Strata.AspNetCore.Components;

/// <summary>
/// Runs the lifecycle of a <see cref="ComponentBase"/> that has already rendered once again, as Blazor runs it the first
/// time (<c>OnInitialized</c>, <c>OnInitializedAsync</c>, <c>OnParametersSet</c>, <c>OnParametersSetAsync</c>, then a
/// render), with the parameters it has. This is how the page of a form post renders again with fresh data after the handler
/// revalidated (see <see cref="PageRefresh"/>). The methods are ComponentBase's protected lifecycle methods, called through
/// delegates that dispatch to the component's overrides.
/// </summary>
internal static class ComponentLifecycle
{
    private static readonly Action<ComponentBase> OnInitialized = Method<Action<ComponentBase>>("OnInitialized");
    private static readonly Func<ComponentBase, Task> OnInitializedAsync = Method<Func<ComponentBase, Task>>("OnInitializedAsync");
    private static readonly Action<ComponentBase> OnParametersSet = Method<Action<ComponentBase>>("OnParametersSet");
    private static readonly Func<ComponentBase, Task> OnParametersSetAsync = Method<Func<ComponentBase, Task>>("OnParametersSetAsync");
    private static readonly Action<ComponentBase> StateHasChanged = Method<Action<ComponentBase>>("StateHasChanged");

    private static readonly string[] LifecycleMethods = ["OnInitialized", "OnInitializedAsync", "OnParametersSet", "OnParametersSetAsync"];

    /// <summary>
    /// Whether instances of <paramref name="type"/> load what they show in their lifecycle methods and can run them again:
    /// an application's <see cref="ComponentBase"/> (not one of ASP.NET Core's) that overrides at least one of them.
    /// </summary>
    public static bool CanRunAgain(Type type)
    {
        if (!typeof(ComponentBase).IsAssignableFrom(type) || type.Assembly.GetName().Name?.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) == true)
        {
            return false;
        }

        foreach (var name in LifecycleMethods)
        {
            if (type.GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, Type.EmptyTypes)?.DeclaringType != typeof(ComponentBase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs the lifecycle again and renders. Call it on the renderer's dispatcher.</summary>
    public static async Task RunAgainAsync(ComponentBase component)
    {
        OnInitialized(component);
        await OnInitializedAsync(component);
        OnParametersSet(component);
        await OnParametersSetAsync(component);
        StateHasChanged(component);
    }

    private static T Method<T>(string name)
        where T : Delegate =>
        typeof(ComponentBase).GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)!.CreateDelegate<T>();
}
