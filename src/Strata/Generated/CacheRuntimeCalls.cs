using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Strata.Generated;

/// <summary>
/// The calls that Strata's source generator writes into <c>[UseCache]</c> classes (and that the web layer's cached
/// components make): run a cached function for a key built with <see cref="CacheKeyBuilder"/>. They are extension methods
/// in this namespace so that <c>CacheRuntime</c> shows in IntelliSense only what applications call; code written by hand
/// uses <c>Cache.Function</c> or <c>[UseCache]</c>, which key every value they observe.
/// </summary>
public static class CacheRuntimeCalls
{
    /// <summary>
    /// Runs a cached function: fresh entry → its value at once; stale entry → its value at once and one refresh in the
    /// background; missing or expired entry → runs <paramref name="factory"/> once (concurrent callers of the same key wait
    /// for that run) and stores the result. Errors are never cached and reach every waiting caller.
    /// </summary>
    /// <typeparam name="TState">What the factory needs, passed without allocating.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="runtime">The runtime.</param>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="arguments">The key of this call, built from its arguments; consumed.</param>
    /// <param name="state">The factory's state.</param>
    /// <param name="factory">Runs the function's body.</param>
    /// <returns>The result: the same instance for every caller when its type is immutable, a copy otherwise.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ValueTask<TResult> RunAsync<TState, TResult>(this CacheRuntime runtime, CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory) =>
        runtime.RunAsync(function, ref arguments, state, factory);

    /// <summary>
    /// A hit of <paramref name="function"/> for these arguments found without building a key, when <typeparamref name="TArgs"/>
    /// (a value tuple of the parameters) can key a front table and the current flow is outside requests and cache scopes.
    /// Otherwise <see langword="false"/>: build the key and call <see cref="RunMethodTaskAsync"/>.
    /// </summary>
    /// <typeparam name="TArgs">The parameters as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="runtime">The runtime.</param>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="result">A completed task of the cached value.</param>
    /// <returns>Whether <paramref name="result"/> is a hit.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryGetFromFront<TArgs, TResult>(this CacheRuntime runtime, CacheFunction function, TArgs args, [NotNullWhen(true)] out Task<TResult>? result)
        where TArgs : notnull =>
        runtime.TryGetFromFront(function, args, out result);

    /// <summary>The <see cref="ValueTask{TResult}"/> form of <see cref="TryGetFromFront"/>.</summary>
    /// <typeparam name="TArgs">The parameters as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="runtime">The runtime.</param>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="result">The cached value.</param>
    /// <returns>Whether <paramref name="result"/> is a hit.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryGetValueFromFront<TArgs, TResult>(this CacheRuntime runtime, CacheFunction function, TArgs args, out ValueTask<TResult> result)
        where TArgs : notnull =>
        runtime.TryGetValueFromFront(function, args, out result);

    /// <summary>
    /// Runs the <c>[UseCache]</c> method <paramref name="function"/> of <paramref name="service"/>. A fill or refresh runs
    /// <paramref name="body"/> on an instance of the same registration resolved from a DI scope of its own when the service
    /// is scoped or transient (never on the caller's scope, which may end first or be in use); a hit puts the entry in the
    /// function's front table for <paramref name="args"/> when their types allow it.
    /// </summary>
    /// <typeparam name="TService">The generated cached subclass.</typeparam>
    /// <typeparam name="TArgs">Every parameter, as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="runtime">The runtime.</param>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="service">The instance the method was called on.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="arguments">The key of this call; consumed.</param>
    /// <param name="body">Calls the uncached base method on an instance with the arguments.</param>
    /// <returns>The result.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Task<TResult> RunMethodTaskAsync<TService, TArgs, TResult>(this CacheRuntime runtime, CacheFunction function, TService service, TArgs args, scoped ref CacheKeyBuilder arguments, Func<TService, TArgs, ValueTask<TResult>> body)
        where TService : class
        where TArgs : notnull =>
        runtime.RunMethodTaskAsync(function, service, args, ref arguments, body);

    /// <summary>The <see cref="ValueTask{TResult}"/> form of <see cref="RunMethodTaskAsync"/>.</summary>
    /// <typeparam name="TService">The generated cached subclass.</typeparam>
    /// <typeparam name="TArgs">Every parameter, as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="runtime">The runtime.</param>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="service">The instance the method was called on.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="arguments">The key of this call; consumed.</param>
    /// <param name="body">Calls the uncached base method on an instance with the arguments.</param>
    /// <returns>The result.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ValueTask<TResult> RunMethodAsync<TService, TArgs, TResult>(this CacheRuntime runtime, CacheFunction function, TService service, TArgs args, scoped ref CacheKeyBuilder arguments, Func<TService, TArgs, ValueTask<TResult>> body)
        where TService : class
        where TArgs : notnull =>
        runtime.RunMethodAsync(function, service, args, ref arguments, body);
}
