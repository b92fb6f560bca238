namespace Strata;

/// <summary>
/// The body of a cached function: what a miss or a refresh runs. Every entry point of the engine wraps its caller's delegate
/// in one of these structs, so that the read path is written once and the JIT specializes it per body without allocating.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
internal interface ICacheBody<TResult>
{
    /// <summary>Runs the body to make an entry (a fill or a background refresh) on <paramref name="runtime"/>.</summary>
    ValueTask<TResult> RunAsync(CacheRuntime runtime);
}

/// <summary>A body given as a state and a static delegate over it (cached lambdas, components, <see cref="CacheRuntime.RunAsync{TState, TResult}"/>).</summary>
internal readonly struct StateBody<TState, TResult>(TState state, Func<TState, ValueTask<TResult>> run) : ICacheBody<TResult>
{
    public ValueTask<TResult> RunAsync(CacheRuntime runtime) => run(state);
}

/// <summary>The <see cref="Task{TResult}"/> form of <see cref="StateBody{TState, TResult}"/>.</summary>
internal readonly struct TaskStateBody<TState, TResult>(TState state, Func<TState, Task<TResult>> run) : ICacheBody<TResult>
{
    public ValueTask<TResult> RunAsync(CacheRuntime runtime) => new(run(state));
}

/// <summary>
/// A <c>[UseCache]</c> method of a service: the instance it was called on, its arguments and the uncached base method. A fill
/// or a refresh makes an entry that outlives the call and is shared with other requests, so it never runs on an instance tied
/// to the caller's DI scope: a service registered as scoped or transient is resolved again from a scope of its own, created
/// for the run and disposed after it (<see cref="CacheRuntime.RunOnOwnScopeAsync"/>).
/// </summary>
internal readonly struct ServiceBody<TService, TArgs, TResult>(TService service, TArgs args, Func<TService, TArgs, ValueTask<TResult>> run) : ICacheBody<TResult>
    where TService : class
{
    public ValueTask<TResult> RunAsync(CacheRuntime runtime) => runtime.RunOnOwnScopeAsync(service, args, run);
}
