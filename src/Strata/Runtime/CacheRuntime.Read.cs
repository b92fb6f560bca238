using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Strata;

/// <summary>
/// The read path, written once: every entry point below is a thin adapter that wraps its caller's delegate in an
/// <see cref="ICacheBody{TResult}"/> and calls <see cref="TryHit"/> (a hit without an async state machine) and, when that
/// cannot answer, <see cref="ReadAsync"/> (dedupe within the request or scope, handler read, discard checks, stale-while-
/// revalidate, the miss shared by concurrent callers).
/// </summary>
public sealed partial class CacheRuntime
{
    private const int RunStripes = 256;

    private static readonly string[] NoTags = [];

    /// <summary>
    /// How many runs made an entry, per stripe of keys: a miss that finds the count moved since it read the handler looks
    /// again instead of running the function a second time for callers that came just after a run (stampede protection).
    /// </summary>
    private readonly int[] _runs = new int[RunStripes];

    /// <summary>
    /// Runs a cached function: fresh entry → its value at once; stale entry → its value at once and one refresh in the
    /// background; missing or expired entry → runs <paramref name="factory"/> once (concurrent callers of the same key wait for
    /// that run) and stores the result. Errors are never cached and reach every waiting caller.
    /// </summary>
    /// <typeparam name="TState">What the factory needs (the instance and the arguments), passed without allocating.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="arguments">The key of this call, built from its arguments; consumed.</param>
    /// <param name="state">The factory's state.</param>
    /// <param name="factory">Runs the function's body.</param>
    /// <returns>The result: the same instance for every caller when its type is immutable, a copy otherwise.</returns>
    internal ValueTask<TResult> RunAsync<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Run<NoFront, StateBody<TState, TResult>, TResult>(function, default, ref arguments, new(state, factory), AmbientForThis());
    }

    /// <summary>
    /// For generated code: a hit of <paramref name="function"/> for these arguments found without building a key, when
    /// <typeparamref name="TArgs"/> (a value tuple of the parameters) can key a front table and the current flow is outside
    /// requests and cache scopes. Otherwise <see langword="false"/>: build the key and call <see cref="RunMethodTaskAsync"/>.
    /// </summary>
    /// <typeparam name="TArgs">The parameters as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="result">A completed task of the cached value.</param>
    /// <returns>Whether <paramref name="result"/> is a hit.</returns>
    internal bool TryGetFromFront<TArgs, TResult>(CacheFunction function, TArgs args, [NotNullWhen(true)] out Task<TResult>? result)
        where TArgs : notnull
    {
        if (FrontTable<TArgs>.IsSupported && TryFront<TArgs, TResult>(function, args, AmbientContext.Current) is { } value)
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
    internal bool TryGetValueFromFront<TArgs, TResult>(CacheFunction function, TArgs args, out ValueTask<TResult> result)
        where TArgs : notnull
    {
        if (FrontTable<TArgs>.IsSupported && TryFront<TArgs, TResult>(function, args, AmbientContext.Current) is { } value)
        {
            result = new ValueTask<TResult>(value.Value);
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>
    /// For generated code: runs the <c>[UseCache]</c> method <paramref name="function"/> of <paramref name="service"/>. A fill
    /// or refresh runs <paramref name="body"/> on an instance of the same registration resolved from a DI scope of its own when
    /// the service is scoped or transient (never on the caller's scope, which may end first or be in use); a hit puts the entry
    /// in the function's front table for <paramref name="args"/> when their types allow it.
    /// </summary>
    /// <typeparam name="TService">The generated cached subclass.</typeparam>
    /// <typeparam name="TArgs">Every parameter, as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="service">The instance the method was called on.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="arguments">The key of this call; consumed.</param>
    /// <param name="body">Calls the uncached base method on an instance with the arguments.</param>
    /// <returns>The result.</returns>
    internal Task<TResult> RunMethodTaskAsync<TService, TArgs, TResult>(CacheFunction function, TService service, TArgs args, scoped ref CacheKeyBuilder arguments, Func<TService, TArgs, ValueTask<TResult>> body)
        where TService : class
        where TArgs : notnull =>
        RunTask<TArgs, ServiceBody<TService, TArgs, TResult>, TResult>(function, args, ref arguments, new(service, args, body), AmbientForThis());

    /// <summary>The <see cref="ValueTask{TResult}"/> form of <see cref="RunMethodTaskAsync"/>.</summary>
    /// <typeparam name="TService">The generated cached subclass.</typeparam>
    /// <typeparam name="TArgs">Every parameter, as a value tuple.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function's descriptor.</param>
    /// <param name="service">The instance the method was called on.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="arguments">The key of this call; consumed.</param>
    /// <param name="body">Calls the uncached base method on an instance with the arguments.</param>
    /// <returns>The result.</returns>
    internal ValueTask<TResult> RunMethodAsync<TService, TArgs, TResult>(CacheFunction function, TService service, TArgs args, scoped ref CacheKeyBuilder arguments, Func<TService, TArgs, ValueTask<TResult>> body)
        where TService : class
        where TArgs : notnull =>
        Run<TArgs, ServiceBody<TService, TArgs, TResult>, TResult>(function, args, ref arguments, new(service, args, body), AmbientForThis());

    /// <summary>A cached lambda's hit found by its arguments in its front table (no key encoded or hashed), on the current runtime.</summary>
    internal static ObjectValue<TResult>? TryFrontHit<TArgs, TResult>(CacheFunction function, TArgs args)
        where TArgs : notnull
    {
        var ambient = AmbientContext.Current;
        return (ambient?.Runtime ?? s_default)?.TryFront<TArgs, TResult>(function, args, ambient);
    }

    /// <summary>A cached lambda on the current runtime, reading the ambient context once.</summary>
    internal static ValueTask<TResult> RunCurrent<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory) =>
        RunCurrent<NoFront, TState, TResult>(function, default, ref arguments, state, factory);

    /// <summary>The <see cref="Task{TResult}"/> form of <see cref="RunCurrent{TState, TResult}"/>.</summary>
    internal static Task<TResult> RunCurrentTask<TState, TResult>(CacheFunction function, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, Task<TResult>> factory) =>
        RunCurrentTask<NoFront, TState, TResult>(function, default, ref arguments, state, factory);

    /// <summary>A cached lambda whose arguments may key its front table: a hit puts the entry there.</summary>
    internal static ValueTask<TResult> RunCurrent<TArgs, TState, TResult>(CacheFunction function, TArgs args, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, ValueTask<TResult>> factory)
        where TArgs : notnull
    {
        var ambient = AmbientContext.Current;
        var runtime = ambient?.Runtime ?? s_default ?? throw new InvalidOperationException(ErrorMessages.NoRuntime);
        return runtime.Run<TArgs, StateBody<TState, TResult>, TResult>(function, args, ref arguments, new(state, factory), ambient);
    }

    /// <summary>The <see cref="Task{TResult}"/> form of <see cref="RunCurrent{TArgs, TState, TResult}"/>.</summary>
    internal static Task<TResult> RunCurrentTask<TArgs, TState, TResult>(CacheFunction function, TArgs args, scoped ref CacheKeyBuilder arguments, TState state, Func<TState, Task<TResult>> factory)
        where TArgs : notnull
    {
        var ambient = AmbientContext.Current;
        var runtime = ambient?.Runtime ?? s_default ?? throw new InvalidOperationException(ErrorMessages.NoRuntime);
        return runtime.RunTask<TArgs, TaskStateBody<TState, TResult>, TResult>(function, args, ref arguments, new(state, factory), ambient);
    }

    /// <summary>The ambient context when it belongs to this runtime (a request or scope of another runtime is not this one's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private AmbientContext? AmbientForThis()
    {
        var ambient = AmbientContext.Current;
        return ambient is not null && ReferenceEquals(ambient.Runtime, this) ? ambient : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValueTask<TResult> Run<TArgs, TBody, TResult>(CacheFunction function, TArgs args, scoped ref CacheKeyBuilder arguments, TBody body, AmbientContext? ambient)
        where TArgs : notnull
        where TBody : struct, ICacheBody<TResult>
    {
        var binding = Bind(function, ref arguments, out var key);
        var probe = default(Probe);
        if (TryHit(function, binding, key, ambient, ref probe, out TResult value, out _))
        {
            Remember(binding, args, probe.Node);
            return new ValueTask<TResult>(value);
        }

        return ReadAsync<TBody, TResult>(function, binding, key, body, ambient, probe);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Task<TResult> RunTask<TArgs, TBody, TResult>(CacheFunction function, TArgs args, scoped ref CacheKeyBuilder arguments, TBody body, AmbientContext? ambient)
        where TArgs : notnull
        where TBody : struct, ICacheBody<TResult>
    {
        var binding = Bind(function, ref arguments, out var key);
        var probe = default(Probe);
        if (TryHit(function, binding, key, ambient, ref probe, out TResult value, out var shared))
        {
            Remember(binding, args, probe.Node);
            return shared?.CompletedTask ?? Task.FromResult(value);
        }

        return ReadAsync<TBody, TResult>(function, binding, key, body, ambient, probe).AsTask();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private RuntimeBinding Bind(CacheFunction function, scoped ref CacheKeyBuilder arguments, out CacheKey key)
    {
        var binding = function.Binding;
        if (binding is null || !IsCurrent(binding))
        {
            binding = Bind(function);
        }

        key = arguments.Build(binding.Seed);
        return binding;
    }

    /// <summary>
    /// The hit of a front table: outside requests and cache scopes only (their reads must be recorded), never while debug
    /// logging is on (the table is not filled then: its lines name keys). The node is checked as a read of the handler checks it.
    /// </summary>
    private ObjectValue<TResult>? TryFront<TArgs, TResult>(CacheFunction function, TArgs args, AmbientContext? ambient)
        where TArgs : notnull
    {
        var binding = function.Binding;
        if (ambient?.Sink is not null || binding is null || !IsCurrent(binding) || binding.Front is not FrontTable<TArgs> front ||
            !front.TryGet(args, out var node))
        {
            return null;
        }

        if (binding.Memory!.CheckNode(node!) is { Value: ObjectValue<TResult> { IsShared: true } value } entry && IsFresh(entry))
        {
            if (_metrics.Hits.Enabled)
            {
                _metrics.Hits.Add(1, StrataMetrics.Kind(function.Kind));
            }

            return value;
        }

        front.Remove(args, node!);
        return null;
    }

    /// <summary>Puts the memory-handler node of a hit in the function's front table, when the argument types allow it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Remember<TArgs>(RuntimeBinding binding, TArgs args, MemoryCacheHandler.Node? node)
        where TArgs : notnull
    {
        if (!FrontTable<TArgs>.IsSupported || node is null || DebugCache)
        {
            return;
        }

        var front = binding.Front as FrontTable<TArgs>;
        if (front is null)
        {
            Interlocked.CompareExchange(ref binding.Front, new FrontTable<TArgs>(), null);
            front = binding.Front as FrontTable<TArgs>;
        }

        front?.Set(args, node);
    }

    /// <summary>
    /// A hit without an async state machine: a call already made in the request (or cache scope) returns its result; a fresh
    /// entry holding an immutable value, found without waiting (the memory handler, or a handler that answers synchronously,
    /// its tags refreshed for the request) and not discarded by the request, is returned, recorded on the request (or
    /// propagated to the scope) and remembered for later calls of it. Anything else — a pending write, a handler that must be
    /// awaited, a miss, a stale entry, a mutable value to copy, draft mode, a private cache — goes to <see cref="ReadAsync"/>
    /// with what was fetched (<paramref name="probe"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryHit<TResult>(CacheFunction function, RuntimeBinding binding, CacheKey key, AmbientContext? ambient, ref Probe probe, out TResult value, out ObjectValue<TResult>? shared)
    {
        value = default!;
        shared = null;
        if (function.IsPrivate || (function.IsRemote && ambient?.Scope is { IsPrivate: true }))
        {
            return false; // private results are never stored; remote inside private throws in the full read
        }

        var sink = ambient?.Sink;
        var request = ambient?.Request;
        if (sink is not null)
        {
            if (request is { IsDraftMode: true })
            {
                return false;
            }

            if (sink.DedupeIfAny is { } dedupe && dedupe.TryGetValue(key, out var earlier))
            {
                if (earlier is not Task<Result<TResult>> { IsCompletedSuccessfully: true } done)
                {
                    return false;
                }

#pragma warning disable RS0030 // completed successfully (the pattern above): Result does not block
                value = done.Result.Value;
                sink.OnRead(done.Result.Entry, isPrivate: false, done.Result.Outcome);
#pragma warning restore RS0030
                return true;
            }
        }

        CacheEntry? entry;
        MemoryCacheHandler.Node? node = null;
        int? seen = null;
        if (binding.Memory is { } memory)
        {
            // The memory handler's RefreshTags does nothing, so there is nothing to wait for before reading it. What it says
            // is only a hint for the full read, which reads it again (it costs nothing) unless the entry can be served.
            if (!memory.TryGet(key, out entry, out node))
            {
                return false; // a write of the key is pending: the full read waits for it
            }
        }
        else
        {
            var handler = binding.Handler!;
            if (request is not null && !request.EnsureTagsRefreshedAsync(function.Kind, handler).IsCompletedSuccessfully)
            {
                return false;
            }

            var before = RunsOf(key); // read before the handler: a run that makes the entry after it is noticed
            seen = before;
            var pending = handler.GetAsync(key, request?.ImplicitTags ?? NoTags);
            if (!pending.IsCompletedSuccessfully)
            {
                probe = new Probe(pending.AsTask(), before);
                return false;
            }

#pragma warning disable RS0030 // completed successfully (checked above): Result does not block
            entry = pending.Result;
#pragma warning restore RS0030
        }

        if (entry is null || !IsFresh(entry) || entry.Value is not ObjectValue<TResult> { IsShared: true } objectValue)
        {
            probe = new Probe(entry, seen);
            return false;
        }

        if (request is not null)
        {
            var discard = request.ShouldDiscardAsync(entry, function.Kind, binding.Handler!);
#pragma warning disable RS0030 // read only when completed successfully: does not block
            if (!discard.IsCompletedSuccessfully || discard.Result)
#pragma warning restore RS0030
            {
                probe = new Probe(entry, seen); // the full read decides (and logs) it
                return false;
            }
        }

        shared = objectValue;
        value = objectValue.Value;
        RecordHit(function, key);
        if (sink is not null)
        {
            sink.Dedupe.TryAdd(key, Task.FromResult(new Result<TResult>(value, entry, CacheReadOutcome.Hit)));
            sink.OnRead(entry, isPrivate: false, CacheReadOutcome.Hit);
        }

        probe = new Probe(node);
        return true;
    }

    /// <summary>The read when <see cref="TryHit"/> could not answer: private-cache rules, and dedupe within the request or scope.</summary>
    private async ValueTask<TResult> ReadAsync<TBody, TResult>(CacheFunction function, RuntimeBinding binding, CacheKey key, TBody body, AmbientContext? ambient, Probe probe)
        where TBody : struct, ICacheBody<TResult>
    {
        var request = ambient?.Request;
        if (function.IsPrivate)
        {
            if (ambient?.Scope is { IsPrivate: false })
            {
                throw new InvalidOperationException(ErrorMessages.PrivateInsidePublic);
            }

            if (request is null)
            {
                throw new InvalidOperationException(ErrorMessages.PrivateOutsideRequest);
            }

            if (request.IsRouteHandler)
            {
                throw new InvalidOperationException(ErrorMessages.PrivateInRouteHandler(request.Route));
            }
        }
        else if (function.IsRemote && ambient?.Scope is { IsPrivate: true })
        {
            throw new InvalidOperationException(ErrorMessages.RemoteInsidePrivate);
        }

        var sink = ambient?.Sink;
        Result<TResult> result;
        if (sink is null)
        {
            result = await LookupAsync<TBody, TResult>(function, binding, key, body, request, probe).ConfigureAwait(false);
        }
        else
        {
            // Within one request (or one cache scope), the same call returns the same result (React.cache semantics).
            var task = (Task<Result<TResult>>)sink.Dedupe.GetOrAdd(
                key,
                static (k, a) => a.self.LookupAsync<TBody, TResult>(a.function, a.binding, k, a.body, a.request, a.probe).AsTask(),
                (self: this, function, binding, body, request, probe));
            try
            {
                result = await task.ConfigureAwait(false);
            }
            catch
            {
                sink.Dedupe.TryRemove(new KeyValuePair<CacheKey, object>(key, task));
                throw;
            }
        }

        sink?.OnRead(result.Entry, function.IsPrivate, result.Outcome);
        return result.Value;
    }

    /// <summary>The handler read and what follows it: hit, stale hit with a background refresh, or a miss shared by concurrent callers.</summary>
    private async ValueTask<Result<TResult>> LookupAsync<TBody, TResult>(CacheFunction function, RuntimeBinding binding, CacheKey key, TBody body, CacheRequest? request, Probe probe)
        where TBody : struct, ICacheBody<TResult>
    {
        if (function.IsPrivate || request is { IsDraftMode: true })
        {
            // Private results are never stored on the server; draft mode neither reads nor writes.
            CountMiss(function, key, function.IsPrivate ? "PRIVATE" : "DRAFT-MODE BYPASS");
            return await GenerateAsync<TBody, TResult>(function, body, request, handler: null).ConfigureAwait(false);
        }

        var handler = binding.Handler!;
        if (request is not null)
        {
            await request.EnsureTagsRefreshedAsync(function.Kind, handler).ConfigureAwait(false);
        }

        // Concurrent callers of a key share one run, and its error (stampede protection holds while the function fails); with
        // fail-safe on, a caller whose joined run failed reads the handler instead, which may hold a last good value.
        if (_inflight.TryGetValue(key, out var flight) && !flight.IsBackground)
        {
            CacheEntry? joined;
            try
            {
                joined = await JoinAsync(function, handler, key, flight, request).ConfigureAwait(false);
            }
            catch (Exception) when (Options.FailSafeWindow > TimeSpan.Zero)
            {
                joined = null;
            }

            if (joined is not null)
            {
                return new Result<TResult>(joined.Value.Read<TResult>(), joined, CacheReadOutcome.Miss);
            }
        }

        while (true)
        {
            // The run count is read before the handler: a miss or a refresh that finds it moved knows a run made or refreshed
            // the entry since, and looks again instead of running the function a second time. A hint of the memory handler
            // that cannot be served as it is, is read again after the count.
            int seen;
            CacheEntry? entry;
            if (probe.Seen is { } fetchedAfter)
            {
                (seen, entry) = (fetchedAfter, probe.Pending is { } pending ? await pending.ConfigureAwait(false) : probe.Entry);
            }
            else if (probe.Entry is { } hint && IsFresh(hint))
            {
                (seen, entry) = (RunsOf(key), hint);
            }
            else
            {
                seen = RunsOf(key);
                entry = await handler.GetAsync(key, request?.ImplicitTags ?? NoTags).ConfigureAwait(false);
            }

            probe = default;
            if (DebugCache)
            {
                Debug("GET", function, key, entry is null ? "(no entry)" : "(entry from " + entry.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
            }

            if (entry is not null && request is not null && await request.ShouldDiscardAsync(entry, function.Kind, handler).ConfigureAwait(false))
            {
                if (DebugCache)
                {
                    Debug("DISCARD", function, key, "(a tag or path was revalidated)");
                }

                entry = null;
            }

            if (entry is null || _clock.ReadMs > entry.ExpireAt)
            {
                if (await GenerateWithFailSafeAsync<TBody, TResult>(function, handler, key, body, request, entry, seen).ConfigureAwait(false) is { } generated)
                {
                    return generated;
                }

                continue; // a run made the entry since this caller looked: look again
            }

            return Serve<TBody, TResult>(function, handler, key, body, entry, seen);
        }
    }

    /// <summary>A hit of the handler's entry: fresh, or stale (served at once, refreshed once in the background).</summary>
    private Result<TResult> Serve<TBody, TResult>(CacheFunction function, ICacheHandler handler, CacheKey key, TBody body, CacheEntry entry, int seen)
        where TBody : struct, ICacheBody<TResult>
    {
        if (IsFresh(entry))
        {
            RecordHit(function, key);
            return new Result<TResult>(entry.Value.Read<TResult>(), entry, CacheReadOutcome.Hit);
        }

        if (_metrics.StaleHits.Enabled)
        {
            _metrics.StaleHits.Add(1, StrataMetrics.Kind(function.Kind));
        }

        if (DebugCache)
        {
            Debug("STALE", function, key, "(serving the stale value, refreshing in the background)");
        }

        RefreshInBackground<TBody, TResult>(function, handler, key, body, seen);

        return new Result<TResult>(entry.Value.Read<TResult>(), entry, CacheReadOutcome.Stale);
    }

    /// <summary>
    /// A miss: run the function once for every concurrent caller of the key, and store the result. A caller that finds a run
    /// in flight (a miss or a background refresh) waits for it, unless <see cref="JoinAsync"/> says it must not use its result.
    /// </summary>
    private async ValueTask<Result<TResult>?> GenerateSharedAsync<TBody, TResult>(
        CacheFunction function, ICacheHandler handler, CacheKey key, TBody body, CacheRequest? request, int seen)
        where TBody : struct, ICacheBody<TResult>
    {
        var completion = new TaskCompletionSource<CacheEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = new InFlight(completion.Task, isBackground: false);
        while (!_inflight.TryAdd(key, flight))
        {
            if (!_inflight.TryGetValue(key, out var existing))
            {
                continue; // it just finished
            }

            if (await JoinAsync(function, handler, key, existing, request).ConfigureAwait(false) is { } joined)
            {
                return new Result<TResult>(joined.Value.Read<TResult>(), joined, CacheReadOutcome.Miss);
            }

            if (_inflight.TryUpdate(key, flight, existing))
            {
                break; // that run may not be used by this caller: run it again, in its place
            }
        }

        if (RunsOf(key) != seen)
        {
            // A run of this key (or of one sharing its stripe) made an entry after this caller read the handler. The caller
            // gives the miss back: a pending write that ends without an entry tells the handler nobody fills the key now (the
            // Redis handler releases the fill lease its read took), and whoever joined looks again too.
            completion.TrySetCanceled();
            TrackWrite(handler.SetAsync(key, completion.Task), function, key);
            _inflight.TryRemove(new KeyValuePair<CacheKey, InFlight>(key, flight));
            return null;
        }

        CountMiss(function, key, "MISS");
        using var limit = ArmFillLimit(function, key, completion, flight, request);
        try
        {
            TrackWrite(handler.SetAsync(key, completion.Task), function, key);
            var run = GenerateAsync<TBody, TResult>(function, body, request, handler);
            var generated = request is { IsPrerender: true } && limit is not null
                ? await WithinLimitAsync(run, completion.Task).ConfigureAwait(false)
                : await run.ConfigureAwait(false);
            Complete(completion, generated.Entry);
            (handler as MemoryCacheHandler)?.StoreCompleted(key, completion.Task); // held before the in-flight slot is freed
            Interlocked.Increment(ref RunsOf(key));
            if (DebugCache)
            {
                Debug("SET", function, key, Describe(generated.Entry));
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
    /// Waits for a run another caller started and returns its entry, or <see langword="null"/> when this caller must run the
    /// function itself: the run had already failed when this caller came (errors reach the callers that waited for the run,
    /// and the next call runs it again), the run was cancelled by the token of the caller that started it (this caller did not
    /// ask for that), or
    /// its entry was invalidated after the run started — a tag of it expired, or this request revalidated one of its tags or its
    /// path. The second is read-your-own-writes: a read that starts after <c>UpdateTag</c> never returns what a run that started
    /// before it produced (Next.js re-checks the entry after awaiting a pending write, for the same reason).
    /// </summary>
    private async ValueTask<CacheEntry?> JoinAsync(CacheFunction function, ICacheHandler handler, CacheKey key, InFlight flight, CacheRequest? request)
    {
        if (flight.Task.IsFaulted)
        {
            return null; // it failed before this caller came: this caller is the next call, which runs the function again
        }

        CacheEntry entry;
        try
        {
            entry = await flight.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        if (request is not null && await request.ShouldDiscardAsync(entry, function.Kind, handler).ConfigureAwait(false))
        {
            return null;
        }

        if (entry.TagArray.Length == 0)
        {
            return entry;
        }

        var expiration = await handler.GetExpirationAsync(entry.Tags).ConfigureAwait(false);
        if (expiration != long.MaxValue)
        {
            return entry.Timestamp <= expiration ? null : entry;
        }

        // The handler checks tags in its reads: ask it for the entry it now holds.
        var stored = await handler.GetAsync(key, request?.ImplicitTags ?? NoTags).ConfigureAwait(false);
        return stored is not null && stored.Timestamp >= entry.Timestamp ? entry : null;
    }

    /// <summary>
    /// Runs the body in a fresh cache scope and makes the entry (Next.js's <c>generateCacheEntry</c>) for
    /// <paramref name="handler"/>; <see langword="null"/> when the entry is not stored (private caches, draft mode).
    /// </summary>
    private async ValueTask<Result<TResult>> GenerateAsync<TBody, TResult>(CacheFunction function, TBody body, CacheRequest? request, ICacheHandler? handler, bool refresh = false)
        where TBody : struct, ICacheBody<TResult>
    {
        using var activity = StrataActivities.StartRun(function, refresh);
        var scope = new CacheScope(this, function, request, _defaultProfile);
        var timestamp = _clock.StampMs;
        AmbientContext.Current = new AmbientContext(this, request, scope);
        try
        {
            var value = await body.RunAsync(this).ConfigureAwait(false);
            var entry = scope.CreateEntry(CreateValue(function, value, handler), timestamp);
            return new Result<TResult>(value, entry, CacheReadOutcome.Miss);
        }
        catch (Exception ex) when (activity is not null)
        {
            StrataActivities.Failed(activity, ex);
            throw;
        }
    }

    /// <summary>One refresh of a stale entry, unless it failed recently or a run refreshed it since <paramref name="seen"/>.</summary>
    private void RefreshInBackground<TBody, TResult>(CacheFunction function, ICacheHandler handler, CacheKey key, TBody body, int seen)
        where TBody : struct, ICacheBody<TResult>
    {
        if (IsRetryThrottled(key, _clock.ReadMs))
        {
            return; // the last refresh failed less than FailSafeRetryInterval ago: keep serving the stale value
        }

        if (handler is ICacheRefreshCoordinator coordinator)
        {
            RefreshWhenAllowed<TBody, TResult>(coordinator, function, handler, key, body, seen); // once per cluster: the handler decides where
            return;
        }

        _ = StartRefresh<TBody, TResult>(function, handler, key, body, seen);
    }

    /// <summary>Starts a background refresh of <paramref name="key"/>; <see langword="false"/> when it is already being refreshed or made.</summary>
    private bool StartRefresh<TBody, TResult>(CacheFunction function, ICacheHandler handler, CacheKey key, TBody body, int seen)
        where TBody : struct, ICacheBody<TResult>
    {
        var completion = new TaskCompletionSource<CacheEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = new InFlight(completion.Task, isBackground: true);
        if (!_inflight.TryAdd(key, flight))
        {
            return false; // already being refreshed (or made)
        }

        if (_metrics.Revalidations.Enabled)
        {
            _metrics.Revalidations.Add(1, StrataMetrics.Kind(function.Kind));
        }

        Task task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(() => RefreshAsync<TBody, TResult>(function, handler, key, body, completion, flight, seen));
        }

        Track(task);
        return true;
    }

    /// <summary>
    /// A background refresh. Its write reaches the handler only once the run has ended, so readers of the stale entry are
    /// never blocked on it; the handler gets the outcome either way: the entry, or none (a failed or uncopyable run), so it
    /// can let go of what it holds for the key (the Redis handler's refresh lease).
    /// </summary>
    private async Task RefreshAsync<TBody, TResult>(
        CacheFunction function, ICacheHandler handler, CacheKey key, TBody body, TaskCompletionSource<CacheEntry> completion, InFlight flight, int seen)
        where TBody : struct, ICacheBody<TResult>
    {
        try
        {
            if (RunsOf(key) != seen && handler is MemoryCacheHandler memory && memory.TryGet(key, out var current) && current is not null && IsFresh(current))
            {
                // A run refreshed it since the stale read that asked for this refresh. Only the memory handler is asked (it
                // is free and has no side effect; other handlers' reads may take a fill lease, which this refresh, holding
                // the key's in-flight slot, could then wait on): a coordinating handler checks this itself.
                completion.TrySetCanceled();
            }
            else
            {
                if (DebugCache)
                {
                    Debug("REVALIDATE", function, key);
                }

                using var limit = ArmFillLimit(function, key, completion, flight, request: null);
                var generated = await GenerateAsync<TBody, TResult>(function, body, request: null, handler, refresh: true).ConfigureAwait(false);
                Complete(completion, generated.Entry);
            }
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
            _ = completion.Task.Exception;
            RecordFailure(key);
            LogRefreshFailed(function.DisplayName, key.Description ?? key.ToString(), ex);
        }

        try
        {
            await handler.SetAsync(key, completion.Task).ConfigureAwait(false);
            if (completion.Task.IsCompletedSuccessfully)
            {
                Interlocked.Increment(ref RunsOf(key));
            }
        }
        catch (Exception ex)
        {
            LogWriteFailed(function.Kind, function.DisplayName, key.Description ?? key.ToString(), ex);
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<CacheKey, InFlight>(key, flight));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int RunsOf(CacheKey key) => ref _runs[(int)((ulong)key.Hash & (RunStripes - 1))];

    /// <summary>Whether an entry may be served without a refresh. A tag-stale entry (revalidate -1) never is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsFresh(CacheEntry entry)
    {
        var staleAt = entry.StaleAt;
        return staleAt == long.MaxValue || _clock.ReadMs <= staleAt;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordHit(CacheFunction function, CacheKey key)
    {
        if (_metrics.Hits.Enabled)
        {
            _metrics.Hits.Add(1, StrataMetrics.Kind(function.Kind));
        }

        if (DebugCache)
        {
            Debug("HIT", function, key);
        }
    }

    private void CountMiss(CacheFunction function, CacheKey key, string operation)
    {
        if (_metrics.Misses.Enabled)
        {
            _metrics.Misses.Add(1, StrataMetrics.Kind(function.Kind));
        }

        if (DebugCache)
        {
            Debug(operation, function, key);
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

    private static string Describe(CacheEntry entry) =>
        FormattableString.Invariant($"(stale={entry.Stale} revalidate={entry.Revalidate} expire={entry.Expire} tags=[{string.Join(",", entry.TagArray)}])");

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Refreshing the stale entry of {Function} ({Key}) in the background failed; the stale value is served until it expires, and a read after Strata:FailSafeRetryInterval tries again.")]
    private partial void LogRefreshFailed(string function, string key, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The \"{Kind}\" cache handler failed to store the entry of {Function} ({Key}); the value was returned but not cached.")]
    private partial void LogWriteFailed(string kind, string function, string key, Exception exception);

    /// <summary>What a read returns: the value, the entry it came from, and how the read was answered.</summary>
    private readonly record struct Result<TResult>(TResult Value, CacheEntry Entry, CacheReadOutcome Outcome);

    /// <summary>The front-table key of calls that have none.</summary>
    private readonly struct NoFront;

    /// <summary>What <see cref="TryHit"/> fetched: the handler's answer (or the read still pending) and the run count before it, or the node of a hit.</summary>
    private readonly struct Probe
    {
        public Probe(CacheEntry? entry, int? seen)
        {
            Entry = entry;
            Seen = seen;
        }

        public Probe(Task<CacheEntry?> pending, int seen)
        {
            Pending = pending;
            Seen = seen;
        }

        public Probe(MemoryCacheHandler.Node? node) => Node = node;

        public CacheEntry? Entry { get; }

        public Task<CacheEntry?>? Pending { get; }

        /// <summary>The run count of the key's stripe before the handler was read; <see langword="null"/> for a hint of the memory handler.</summary>
        public int? Seen { get; }

        public MemoryCacheHandler.Node? Node { get; }
    }


}
