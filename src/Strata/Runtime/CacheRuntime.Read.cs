using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Strata;

public sealed partial class CacheRuntime
{
    private static readonly string[] NoTags = [];

    /// <summary>
    /// Runs a cached function: the entry point of <c>[UseCache]</c> methods, cached components and <c>Cache.Function</c>.
    /// Fresh entry → its value at once; stale entry → its value at once and one refresh in the background; missing or
    /// expired entry → runs <paramref name="factory"/> once (concurrent callers of the same key wait for that run) and stores
    /// the result. Errors are never cached and reach every waiting caller.
    /// </summary>
    /// <typeparam name="TState">What the factory needs (the instance and the arguments), passed without allocating.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="arguments">The key of this call, built from its arguments; consumed.</param>
    /// <param name="state">The factory's state.</param>
    /// <param name="factory">Runs the function's body.</param>
    /// <returns>The result: the same instance for every caller when its type is immutable, a copy otherwise.</returns>
    public ValueTask<TResult> RunAsync<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory) =>
        RunCore(function, ref arguments, state, factory, AmbientContext.Current);

    /// <summary>
    /// The <see cref="Task{TResult}"/> form of <see cref="RunAsync{TState, TResult}(CacheFunction, ref CacheKeyBuilder, TState, Func{TState, ValueTask{TResult}})"/>:
    /// a fresh hit of an immutable value returns a task made once per entry, so it allocates nothing.
    /// </summary>
    /// <typeparam name="TState">What the factory needs, passed without allocating.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="arguments">The key of this call; consumed.</param>
    /// <param name="state">The factory's state.</param>
    /// <param name="factory">Runs the function's body.</param>
    /// <returns>The result.</returns>
    public Task<TResult> RunTaskAsync<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, Task<TResult>> factory) =>
        RunTaskCore(function, ref arguments, state, factory, AmbientContext.Current);

    /// <summary><see cref="RunAsync{TState, TResult}(CacheFunction, ref CacheKeyBuilder, TState, Func{TState, ValueTask{TResult}})"/> on the current runtime, reading the ambient context once.</summary>
    internal static ValueTask<TResult> RunCurrent<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory)
    {
        var ambient = AmbientContext.Current;
        var runtime = ambient?.Runtime ?? s_default ?? throw new InvalidOperationException(ErrorMessages.NoRuntime);
        return runtime.RunCore(function, ref arguments, state, factory, ambient);
    }

    /// <summary><see cref="RunTaskAsync{TState, TResult}"/> on the current runtime, reading the ambient context once.</summary>
    internal static Task<TResult> RunCurrentTask<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, Task<TResult>> factory)
    {
        var ambient = AmbientContext.Current;
        var runtime = ambient?.Runtime ?? s_default ?? throw new InvalidOperationException(ErrorMessages.NoRuntime);
        return runtime.RunTaskCore(function, ref arguments, state, factory, ambient);
    }

    /// <summary>
    /// The hit path of a lambda whose arguments can key a <see cref="FrontTable{TArgs}"/>: no key is encoded or hashed.
    /// Only outside requests and cache scopes, and never while debug logging is on (its lines name the key).
    /// </summary>
    internal static ObjectValue<TResult>? TryFrontHit<TArgs, TResult>(CacheFunction function, TArgs args)
        where TArgs : notnull
    {
        var ambient = AmbientContext.Current;
        if (ambient is not null && (ambient.Request is not null || ambient.Scope is not null))
        {
            return null;
        }

        var runtime = ambient?.Runtime ?? s_default;
        var binding = function.Binding;
        if (runtime is null || binding is null || !ReferenceEquals(binding.Runtime, runtime) || binding.Front is not FrontTable<TArgs> front ||
            !front.TryGet(args, out var node) || CacheDebug.Enabled)
        {
            return null;
        }

        if (binding.Memory!.CheckNode(node!) is { Value: ObjectValue<TResult> { IsShared: true } value } entry && runtime.IsFresh(entry))
        {
            if (runtime._metrics.Hits.Enabled)
            {
                runtime._metrics.Hits.Add(1, StrataMetrics.Kind(function.Kind));
            }

            return value;
        }

        front.Remove(args, node!);
        return null;
    }

    /// <summary>
    /// For generated code: a hit of <paramref name="function"/> for these arguments found without building a key, when
    /// <typeparamref name="TArgs"/> (a value tuple of the parameters) can key a front table and the current flow is outside
    /// requests and cache scopes. Otherwise <see langword="false"/>: build the key and call <see cref="RunFrontTaskAsync"/>.
    /// </summary>
    /// <typeparam name="TArgs">The parameters as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="result">A completed task of the cached value.</param>
    /// <returns>Whether <paramref name="result"/> is a hit.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static bool TryGetFromFront<TArgs, TResult>(CacheFunction function, TArgs args, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Task<TResult>? result)
        where TArgs : notnull
    {
        if (FrontTable<TArgs>.IsSupported && TryFrontHit<TArgs, TResult>(function, args) is { } value)
        {
            result = value.CompletedTask;
            return true;
        }

        result = null;
        return false;
    }

    /// <summary>The <see cref="ValueTask{TResult}"/> form of <see cref="TryGetFromFront{TArgs, TResult}(CacheFunction, TArgs, out Task{TResult})"/>.</summary>
    /// <typeparam name="TArgs">The parameters as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="result">The cached value.</param>
    /// <returns>Whether <paramref name="result"/> is a hit.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static bool TryGetValueFromFront<TArgs, TResult>(CacheFunction function, TArgs args, out ValueTask<TResult> result)
        where TArgs : notnull
    {
        if (FrontTable<TArgs>.IsSupported && TryFrontHit<TArgs, TResult>(function, args) is { } value)
        {
            result = new ValueTask<TResult>(value.Value);
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>
    /// For generated code: <see cref="RunTaskAsync{TState, TResult}"/> on the current runtime, which also puts the entry of a
    /// hit in the function's front table for <paramref name="args"/>.
    /// </summary>
    /// <typeparam name="TArgs">The parameters as a value tuple.</typeparam>
    /// <typeparam name="TState">What the factory needs.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="arguments">The key of this call; consumed.</param>
    /// <param name="state">The factory's state.</param>
    /// <param name="factory">Runs the function's body.</param>
    /// <returns>The result.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static Task<TResult> RunFrontTaskAsync<TArgs, TState, TResult>(CacheFunction function, TArgs args, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, Task<TResult>> factory)
        where TArgs : notnull =>
        FrontTable<TArgs>.IsSupported ? RunCurrentTask(function, args, ref arguments, state, factory) : RunCurrentTask(function, ref arguments, state, factory);

    /// <summary>The <see cref="ValueTask{TResult}"/> form of <see cref="RunFrontTaskAsync"/>.</summary>
    /// <typeparam name="TArgs">The parameters as a value tuple.</typeparam>
    /// <typeparam name="TState">What the factory needs.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="arguments">The key of this call; consumed.</param>
    /// <param name="state">The factory's state.</param>
    /// <param name="factory">Runs the function's body.</param>
    /// <returns>The result.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static ValueTask<TResult> RunFrontAsync<TArgs, TState, TResult>(CacheFunction function, TArgs args, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory)
        where TArgs : notnull =>
        FrontTable<TArgs>.IsSupported ? RunCurrent(function, args, ref arguments, state, factory) : RunCurrent(function, ref arguments, state, factory);

    /// <summary><c>RunCurrentTask</c> for a lambda with a front table: a hit through the handler puts the node in the table.</summary>
    internal static Task<TResult> RunCurrentTask<TArgs, TState, TResult>(CacheFunction function, TArgs args, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, Task<TResult>> factory)
        where TArgs : notnull
    {
        var ambient = AmbientContext.Current;
        var runtime = ambient?.Runtime ?? s_default ?? throw new InvalidOperationException(ErrorMessages.NoRuntime);
        if (ambient is null || (ambient.Request is null && ambient.Scope is null))
        {
            var binding = runtime.Bind(function, ref arguments, out var key);
            var prefetch = default(Prefetch);
            if (runtime.TryHitAndRemember<TArgs, TResult>(function, binding, key, args, ref prefetch) is { } value)
            {
                return value.CompletedTask;
            }

            return runtime.ReadAsync(function, binding, key, (state, factory), static s => new ValueTask<TResult>(s.factory(s.state)), ambient, prefetch).AsTask();
        }

        return runtime.RunTaskCore(function, ref arguments, state, factory, ambient);
    }

    /// <summary><c>RunCurrent</c> for a lambda with a front table.</summary>
    internal static ValueTask<TResult> RunCurrent<TArgs, TState, TResult>(CacheFunction function, TArgs args, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory)
        where TArgs : notnull
    {
        var ambient = AmbientContext.Current;
        var runtime = ambient?.Runtime ?? s_default ?? throw new InvalidOperationException(ErrorMessages.NoRuntime);
        if (ambient is null || (ambient.Request is null && ambient.Scope is null))
        {
            var binding = runtime.Bind(function, ref arguments, out var key);
            var prefetch = default(Prefetch);
            if (runtime.TryHitAndRemember<TArgs, TResult>(function, binding, key, args, ref prefetch) is { } value)
            {
                return new ValueTask<TResult>(value.Value);
            }

            return runtime.ReadAsync(function, binding, key, state, factory, ambient, prefetch);
        }

        return runtime.RunCore(function, ref arguments, state, factory, ambient);
    }

    /// <summary><see cref="TryHit{TResult}(CacheFunction, RuntimeBinding, CacheKey, ref Prefetch)"/>, putting the node of a hit in the function's front table.</summary>
    private ObjectValue<TResult>? TryHitAndRemember<TArgs, TResult>(CacheFunction function, RuntimeBinding binding, CacheKey key, TArgs args, ref Prefetch prefetch)
        where TArgs : notnull
    {
        var value = TryHit<TResult>(function, binding, key, ref prefetch, out var node);
        if (value is null || node is null || CacheDebug.Enabled)
        {
            return value;
        }

        var front = binding.Front as FrontTable<TArgs>;
        if (front is null)
        {
            Interlocked.CompareExchange(ref binding.Front, new FrontTable<TArgs>(), null);
            front = binding.Front as FrontTable<TArgs>;
        }

        front?.Set(args, node);
        return value;
    }

    private ValueTask<TResult> RunCore<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory, AmbientContext? ambient)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var binding = Bind(function, ref arguments, out var key);
        var prefetch = default(Prefetch);
        if (ambient is null || (ambient.Request is null && ambient.Scope is null))
        {
            if (TryHit<TResult>(function, binding, key, ref prefetch) is { } value)
            {
                return new ValueTask<TResult>(value.Value);
            }
        }
        else if (TryScopedHit(function, binding, key, ambient, out TResult? scoped))
        {
            return new ValueTask<TResult>(scoped!);
        }

        return ReadAsync(function, binding, key, state, factory, ambient, prefetch);
    }

    private Task<TResult> RunTaskCore<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, Task<TResult>> factory, AmbientContext? ambient)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var binding = Bind(function, ref arguments, out var key);
        var prefetch = default(Prefetch);
        if (ambient is null || (ambient.Request is null && ambient.Scope is null))
        {
            if (TryHit<TResult>(function, binding, key, ref prefetch) is { } value)
            {
                return value.CompletedTask;
            }
        }
        else if (TryScopedHit(function, binding, key, ambient, out TResult? scoped))
        {
            return Task.FromResult(scoped!);
        }

        return ReadAsync(function, binding, key, (state, factory), static s => new ValueTask<TResult>(s.factory(s.state)), ambient, prefetch).AsTask();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private RuntimeBinding Bind(CacheFunction function, scoped ref CacheKeyBuilder arguments, out CacheKey key)
    {
        var binding = function.Binding;
        if (binding is null || !ReferenceEquals(binding.Runtime, this))
        {
            binding = Bind(function);
        }

        key = arguments.Build(binding.Seed);
        return binding;
    }

    /// <summary>
    /// The hit path outside requests and scopes: a fresh entry holding an immutable value is returned as it is. Anything
    /// else (stale, missing, mutable, a handler that answers asynchronously) goes to the full read with what was fetched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ObjectValue<TResult>? TryHit<TResult>(CacheFunction function, RuntimeBinding binding, CacheKey key, ref Prefetch prefetch) =>
        TryHit<TResult>(function, binding, key, ref prefetch, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ObjectValue<TResult>? TryHit<TResult>(CacheFunction function, RuntimeBinding binding, CacheKey key, ref Prefetch prefetch, out MemoryCacheHandler.Node? node)
    {
        CacheEntry? entry;
        node = null;
        if (binding.Memory is { } memory)
        {
            if (!memory.TryGet(key, out entry, out node))
            {
                return null;
            }
        }
        else if (binding.Handler is { } handler)
        {
            var pending = handler.GetAsync(key, NoTags);
            if (!pending.IsCompletedSuccessfully)
            {
                prefetch = new Prefetch(pending.AsTask());
                return null;
            }

            entry = pending.Result;
        }
        else
        {
            return null;
        }

        if (entry is not null && entry.Value is ObjectValue<TResult> { IsShared: true } value && IsFresh(entry))
        {
            RecordHit(function, key);
            return value;
        }

        prefetch = new Prefetch(entry);
        return null;
    }

    /// <summary>
    /// The hit path inside a request or a cache scope, without an async state machine: a call already made in this request
    /// (or scope) returns its result; a fresh entry of the memory handler is returned, recorded on the request (or
    /// propagated to the scope) and remembered for later calls of the request. Anything that needs to wait (a pending
    /// write, another handler, a miss, a stale entry, draft mode, a private cache) takes the asynchronous path.
    /// </summary>
    private bool TryScopedHit<TResult>(CacheFunction function, RuntimeBinding binding, CacheKey key, AmbientContext ambient, out TResult? value)
    {
        value = default;
        var request = ambient.Request;
        var scope = ambient.Scope;
        if (function.IsPrivate || request is { IsDraftMode: true })
        {
            return false;
        }

        var dedupe = scope is not null ? scope.DedupeIfAny : request!.DedupeIfAny;
        if (dedupe is not null && dedupe.TryGetValue(key, out var earlier))
        {
            if (earlier is not Task<Result<TResult>> { IsCompletedSuccessfully: true } done)
            {
                return false;
            }

            value = done.Result.Value;
            Propagate(ambient, done.Result.Entry, function);
            return true;
        }

        // The memory handler's RefreshTags does nothing, so there is nothing to wait for before reading it.
        if (binding.Memory is not { } memory || !memory.TryGet(key, out var entry) || entry is null || !IsFresh(entry))
        {
            return false;
        }

        if (request is not null && (!request.TryShouldDiscard(entry, function.Kind, memory, out var discard) || discard))
        {
            return false;
        }

        value = entry.Value.Read<TResult>();
        (scope is not null ? scope.Dedupe : request!.Dedupe).TryAdd(key, Task.FromResult(new Result<TResult>(value, entry)));
        RecordHit(function, key);
        Propagate(ambient, entry, function);
        return true;
    }

    private static void Propagate(AmbientContext? ambient, CacheEntry entry, CacheFunction function)
    {
        if (ambient?.Scope is { } scope)
        {
            scope.Propagate(entry);
        }
        else
        {
            ambient?.Request?.Record(entry, function.IsPrivate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsFresh(CacheEntry entry)
    {
        var staleAt = entry.StaleAt;
        return staleAt == long.MaxValue || (staleAt != long.MinValue && _clock.ReadMs <= staleAt);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordHit(CacheFunction function, CacheKey key)
    {
        if (_metrics.Hits.Enabled)
        {
            _metrics.Hits.Add(1, StrataMetrics.Kind(function.Kind));
        }

        if (CacheDebug.Enabled)
        {
            CacheDebug.Log(_logger, "HIT", function.Kind, function, key);
        }
    }

    private async ValueTask<TResult> ReadAsync<TState, TResult>(
        CacheFunction function, RuntimeBinding binding, CacheKey key, TState state, Func<TState, ValueTask<TResult>> factory, AmbientContext? ambient, Prefetch prefetch)
    {
        var request = ambient?.Request;
        var scope = ambient?.Scope;
        if (function.IsPrivate)
        {
            if (scope is { IsPrivate: false })
            {
                throw new InvalidOperationException(ErrorMessages.PrivateInsidePublic);
            }

            if (request is null)
            {
                throw new InvalidOperationException(ErrorMessages.PrivateOutsideRequest);
            }
        }

        Result<TResult> result;
        var dedupe = scope?.Dedupe ?? request?.Dedupe;
        if (dedupe is not null)
        {
            // Within one request (or one cache scope), the same call returns the same result (React.cache semantics).
            var task = (Task<Result<TResult>>)dedupe.GetOrAdd(
                key,
                static (k, a) => a.self.LookupAsync(a.function, a.binding, k, a.state, a.factory, a.request, a.prefetch).AsTask(),
                (self: this, function, binding, state, factory, request, prefetch));
            try
            {
                result = await task.ConfigureAwait(false);
            }
            catch
            {
                dedupe.TryRemove(new KeyValuePair<CacheKey, object>(key, task));
                throw;
            }
        }
        else
        {
            result = await LookupAsync(function, binding, key, state, factory, request, prefetch).ConfigureAwait(false);
        }

        Propagate(ambient, result.Entry, function);
        return result.Value;
    }

    private async ValueTask<Result<TResult>> LookupAsync<TState, TResult>(
        CacheFunction function, RuntimeBinding binding, CacheKey key, TState state, Func<TState, ValueTask<TResult>> factory, CacheRequest? request, Prefetch prefetch)
    {
        if (function.IsPrivate || request is { IsDraftMode: true })
        {
            // Private results are never stored on the server; draft mode neither reads nor writes.
            CountMiss(function, key, function.IsPrivate ? "PRIVATE" : "DRAFT-MODE BYPASS");
            var generated = await GenerateAsync(function, key, state, factory, request, handler: null).ConfigureAwait(false);
            return generated;
        }

        var handler = binding.Handler!;
        if (request is not null)
        {
            await request.EnsureTagsRefreshedAsync(function.Kind, handler).ConfigureAwait(false);
        }

        if (_inflight.TryGetValue(key, out var flight) && !flight.IsBackground && await JoinWithFailSafeAsync(flight).ConfigureAwait(false) is { } running)
        {
            return new Result<TResult>(running.Value.Read<TResult>(), running);
        }

        var entry = prefetch.HasEntry
            ? prefetch.Entry
            : await (prefetch.Pending ?? handler.GetAsync(key, request?.ImplicitTags ?? NoTags).AsTask()).ConfigureAwait(false);
        if (CacheDebug.Enabled)
        {
            CacheDebug.Log(_logger, "GET", function.Kind, function, key, entry is null ? "(no entry)" : "(entry from " + entry.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
        }
        if (entry is not null && request is not null && await request.ShouldDiscardAsync(entry, function.Kind, handler).ConfigureAwait(false))
        {
            if (CacheDebug.Enabled)
            {
                CacheDebug.Log(_logger, "DISCARD", function.Kind, function, key, "(a tag or path was revalidated)");
            }

            entry = null;
        }

        var now = _clock.ReadMs;
        if (entry is null || now > entry.ExpireAt)
        {
            return await GenerateWithFailSafeAsync(function, handler, key, state, factory, request, entry).ConfigureAwait(false);
        }

        if (now > entry.StaleAt)
        {
            if (_metrics.StaleHits.Enabled)
            {
                _metrics.StaleHits.Add(1, StrataMetrics.Kind(function.Kind));
            }

            if (CacheDebug.Enabled)
            {
                CacheDebug.Log(_logger, "STALE", function.Kind, function, key, "(serving the stale value, refreshing in the background)");
            }

            RefreshInBackground(function, handler, key, state, factory);
        }
        else
        {
            RecordHit(function, key);
        }

        return new Result<TResult>(entry.Value.Read<TResult>(), entry);
    }

    /// <summary>A miss: run the function once for every concurrent caller of the key, and store the result.</summary>
    private async ValueTask<Result<TResult>> GenerateSharedAsync<TState, TResult>(
        CacheFunction function, ICacheHandler handler, CacheKey key, TState state, Func<TState, ValueTask<TResult>> factory, CacheRequest? request)
    {
        var completion = new TaskCompletionSource<CacheEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = new InFlight(completion.Task, isBackground: false);
        while (!_inflight.TryAdd(key, flight))
        {
            if (_inflight.TryGetValue(key, out var existing))
            {
                if (await JoinAsync(existing).ConfigureAwait(false) is { } running)
                {
                    return new Result<TResult>(running.Value.Read<TResult>(), running);
                }

                await Task.Yield(); // the cancelled run is being removed
            }
        }

        CountMiss(function, key, "MISS");
        try
        {
            TrackWrite(handler.SetAsync(key, completion.Task), function, key);
            var generated = await GenerateAsync(function, key, state, factory, request, handler).ConfigureAwait(false);
            Complete(completion, generated.Entry);
            if (CacheDebug.Enabled)
            {
                CacheDebug.Log(_logger, "SET", function.Kind, function, key, Describe(generated.Entry));
            }

            return generated;
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
            _ = completion.Task.Exception; // observed: the handler drops it, the callers rethrow it
            throw;
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<CacheKey, InFlight>(key, flight));
        }
    }

    /// <summary>
    /// Waits for a run another caller started. When that run was cancelled (its caller's token), this caller did not ask
    /// for that: it gets <see langword="null"/> and runs the function itself.
    /// </summary>
    private static async ValueTask<CacheEntry?> JoinAsync(InFlight flight)
    {
        try
        {
            return await flight.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs the body in a fresh cache scope and makes the entry (Next.js's <c>generateCacheEntry</c>) for
    /// <paramref name="handler"/>; <see langword="null"/> when the entry is not stored.
    /// </summary>
    private async ValueTask<Result<TResult>> GenerateAsync<TState, TResult>(
        CacheFunction function, CacheKey key, TState state, Func<TState, ValueTask<TResult>> factory, CacheRequest? request, ICacheHandler? handler)
    {
        var scope = new CacheScope(this, function, request, _defaultProfile);
        var timestamp = _clock.StampMs;
        AmbientContext.Current = new AmbientContext(this, request, scope);
        var value = await factory(state).ConfigureAwait(false);
        var entry = scope.CreateEntry(CreateValue(function, value, handler), timestamp);
        return new Result<TResult>(value, entry);
    }

    private void RefreshInBackground<TState, TResult>(CacheFunction function, ICacheHandler handler, CacheKey key, TState state, Func<TState, ValueTask<TResult>> factory)
    {
        if (IsRetryThrottled(key, _clock.ReadMs))
        {
            return; // the last refresh failed less than FailSafeRetryInterval ago: keep serving the stale value
        }

        if (handler is ICacheRefreshCoordinator coordinator)
        {
            RefreshWhenAllowed(coordinator, function, handler, key, state, factory); // once per cluster: the handler decides where
            return;
        }

        StartRefresh(function, handler, key, state, factory);
    }

    private void StartRefresh<TState, TResult>(CacheFunction function, ICacheHandler handler, CacheKey key, TState state, Func<TState, ValueTask<TResult>> factory)
    {
        var completion = new TaskCompletionSource<CacheEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = new InFlight(completion.Task, isBackground: true);
        if (!_inflight.TryAdd(key, flight))
        {
            return; // already being refreshed (or made)
        }

        if (_metrics.Revalidations.Enabled)
        {
            _metrics.Revalidations.Add(1, StrataMetrics.Kind(function.Kind));
        }

        Task task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(() => RefreshAsync(function, handler, key, state, factory, completion, flight));
        }

        Track(task);
    }

    private async Task RefreshAsync<TState, TResult>(
        CacheFunction function, ICacheHandler handler, CacheKey key, TState state, Func<TState, ValueTask<TResult>> factory,
        TaskCompletionSource<CacheEntry> completion, InFlight flight)
    {
        try
        {
            if (CacheDebug.Enabled)
            {
                CacheDebug.Log(_logger, "REVALIDATE", function.Kind, function, key);
            }

            var generated = await GenerateAsync(function, key, state, factory, request: null, handler).ConfigureAwait(false);
            Complete(completion, generated.Entry);
            await handler.SetAsync(key, completion.Task).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
            _ = completion.Task.Exception;
            RecordFailure(key);
            LogRefreshFailed(function.DisplayName, key.Description ?? key.ToString(), ex);
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<CacheKey, InFlight>(key, flight));
        }
    }

    private void TrackWrite(ValueTask write, CacheFunction function, CacheKey key)
    {
        if (write.IsCompletedSuccessfully)
        {
            return;
        }

        Track(ObserveWriteAsync(write, function, key));
    }

    private async Task ObserveWriteAsync(ValueTask write, CacheFunction function, CacheKey key)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogWriteFailed(function.Kind, function.DisplayName, key.Description ?? key.ToString(), ex);
        }
    }

    private void CountMiss(CacheFunction function, CacheKey key, string operation)
    {
        if (_metrics.Misses.Enabled)
        {
            _metrics.Misses.Add(1, StrataMetrics.Kind(function.Kind));
        }

        if (CacheDebug.Enabled)
        {
            CacheDebug.Log(_logger, operation, function.Kind, function, key);
        }
    }

    private static string Describe(CacheEntry entry) =>
        FormattableString.Invariant($"(stale={entry.Stale} revalidate={entry.Revalidate} expire={entry.Expire} tags=[{string.Join(",", entry.TagArray)}])");

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Refreshing the stale entry of {Function} ({Key}) in the background failed; the stale value is served until it expires, and a read after Strata:FailSafeRetryInterval tries again.")]
    private partial void LogRefreshFailed(string function, string key, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The \"{Kind}\" cache handler failed to store the entry of {Function} ({Key}); the value was returned but not cached.")]
    private partial void LogWriteFailed(string kind, string function, string key, Exception exception);

    private readonly record struct Result<TResult>(TResult Value, CacheEntry Entry);

    private readonly struct Prefetch
    {
        public Prefetch(CacheEntry? entry)
        {
            Entry = entry;
            HasEntry = true;
            Pending = null;
        }

        public Prefetch(Task<CacheEntry?> pending)
        {
            Entry = null;
            HasEntry = false;
            Pending = pending;
        }

        public CacheEntry? Entry { get; }

        public bool HasEntry { get; }

        public Task<CacheEntry?>? Pending { get; }
    }
}
