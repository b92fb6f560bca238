using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Strata.AspNetCore.Components;

/// <summary>
/// Marks every inbound activity of an interactive Blazor Server circuit (the first render, events, JS interop calls,
/// navigations) as a live render (<see cref="CacheRuntime.BeginLiveRender"/>): nothing in a circuit renders into a cache,
/// so a <c>[UseCache]</c> component there runs as a plain component and its <c>CacheTag()</c>/<c>CacheLife()</c> calls do
/// nothing. Its prerendered HTML was cached; the circuit then renders it live, keeping it interactive.
/// </summary>
internal sealed class LiveRenderCircuitHandler(CacheRuntime runtime) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            using var live = runtime.BeginLiveRender();
            await next(context).ConfigureAwait(false);
        };
}
