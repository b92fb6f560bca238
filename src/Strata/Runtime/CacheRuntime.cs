using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.IO.Hashing;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Strata;

/// <summary>
/// The cache engine: handlers by kind, lifetime profiles, the serializer and the clock, and the entry point every cached
/// function goes through (<see cref="RunAsync{TState, TResult}(CacheFunction, ref CacheKeyBuilder, TState, Func{TState, ValueTask{TResult}})"/>).
/// One per application, made by <c>AddStrata()</c>; code finds it through <see cref="Current"/>.
/// </summary>
public sealed partial class CacheRuntime
{
    private static volatile CacheRuntime? s_default;

    private readonly Dictionary<string, ICacheHandler> _handlers;
    private readonly ICacheHandler[] _distinctHandlers;
    private readonly Dictionary<string, CacheLifeProfile> _profiles;
    private readonly CacheLifeProfile _defaultProfile;
    private readonly ConcurrentDictionary<CacheKey, InFlight> _inflight = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly Clock _clock;
    private readonly ILogger _logger;
    private readonly StrataMetrics _metrics;
    private long _buildSeed;
    private long _codeGeneration;

    /// <summary>Creates a runtime.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="handlers">Cache handlers by kind. <c>default</c> is a <see cref="MemoryCacheHandler"/> unless given; <c>remote</c> is the default handler unless given.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where logs go.</param>
    /// <param name="meterFactory">Where metrics go; a shared <c>Strata</c> meter when <see langword="null"/>.</param>
    /// <param name="services">
    /// The application's services, when the runtime belongs to a DI container (<c>AddStrata()</c> passes it): captured values
    /// of types the container resolves are infrastructure, left out of keys, and background refreshes of <c>[UseCache]</c>
    /// methods of scoped services run in a scope of their own. <see langword="null"/> outside DI.
    /// </param>
    /// <exception cref="ArgumentException">A profile is invalid, a kind name is invalid, or a handler is given for <c>private</c>.</exception>
    public CacheRuntime(
        StrataOptions? options = null,
        IEnumerable<KeyValuePair<string, ICacheHandler>>? handlers = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        IServiceProvider? services = null)
    {
        Services = services;
        options ??= new StrataOptions();
        Options = options;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _clock = new Clock(TimeProvider);
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("Strata.Cache");
        _metrics = meterFactory is null ? StrataMetrics.Shared : new StrataMetrics(meterFactory.Create(StrataMetrics.MeterName));
        Serializer = options.Serializer ?? JsonCacheSerializer.CreateDefault();
        DebugCache = options.DebugCache || CacheDebug.FromEnvironment;

        _profiles = BuildProfiles(options);
        _defaultProfile = _profiles[StrataDefaults.DefaultKind];
        ValidateLimits(options);
        _handlers = new Dictionary<string, ICacheHandler>(StringComparer.Ordinal);
        foreach (var (kind, handler) in handlers ?? [])
        {
            ArgumentNullException.ThrowIfNull(handler);
            ValidateHandlerKind(kind);
            _handlers[kind] = handler;
        }

        if (!_handlers.ContainsKey(StrataDefaults.DefaultKind))
        {
            _handlers[StrataDefaults.DefaultKind] = new MemoryCacheHandler(
                options.CacheMaxMemorySize, TimeProvider, loggerFactory.CreateLogger<MemoryCacheHandler>(), _metrics, StrataDefaults.DefaultKind, FailSafeWindowMs(options));
        }

        _handlers.TryAdd(StrataDefaults.RemoteKind, _handlers[StrataDefaults.DefaultKind]);
        _distinctHandlers = _handlers.Values.Distinct().ToArray();

        BuildId = string.IsNullOrEmpty(options.BuildId) ? DefaultBuildId() : options.BuildId;
        _buildSeed = (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(BuildId));
        HotReload.Register(this);
    }

    /// <summary>
    /// The runtime cached lambdas and the static API (<c>Cache.RevalidateTag</c>...) use when no request or <see cref="Use"/>
    /// scope names one: the runtime of the first started host that called <c>AddStrata()</c>, until it stops, or one you set.
    /// <c>[UseCache]</c> classes never use it: they receive their runtime from DI.
    /// </summary>
    public static CacheRuntime? Default
    {
        get => s_default;
        set => s_default = value;
    }

    internal static void BecomeDefault(CacheRuntime runtime) => Interlocked.CompareExchange(ref s_default, runtime, null);

    internal static void StopBeingDefault(CacheRuntime runtime) => Interlocked.CompareExchange(ref s_default, null, runtime);

    /// <summary>The runtime of the current request or <see cref="Use"/> scope, else <see cref="Default"/>.</summary>
    /// <exception cref="InvalidOperationException">No runtime is configured.</exception>
    public static CacheRuntime Current => AmbientContext.Current?.Runtime ?? s_default ?? throw new InvalidOperationException(ErrorMessages.NoRuntime);

    /// <summary>The options the runtime was made with.</summary>
    public StrataOptions Options { get; }

    /// <summary>The build id that starts every key.</summary>
    public string BuildId { get; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The serializer.</summary>
    public ICacheSerializer Serializer { get; }

    /// <summary>Every lifetime profile by name: the built-in ones and the configured ones.</summary>
    public IReadOnlyDictionary<string, CacheLifeProfile> Profiles => _profiles;

    /// <summary>The cache kinds that have a handler (<c>private</c> never has one).</summary>
    public IReadOnlyCollection<string> Kinds => _handlers.Keys;

    /// <summary>
    /// Whether this runtime logs every cache operation with readable keys (<see cref="StrataOptions.DebugCache"/>, or
    /// <c>STRATA_DEBUG_CACHE=1</c> when the runtime was made). Front tables are not used while it is on. Other runtimes in the
    /// process are not affected.
    /// </summary>
    public bool DebugCache { get; }

    /// <summary>The application's services when the runtime belongs to a DI container; otherwise <see langword="null"/>.</summary>
    public IServiceProvider? Services { get; }

    internal long NowMs => _clock.StampMs;

    internal ILogger Logger => _logger;

    /// <summary>Makes this runtime the current one for the calling asynchronous flow, until the result is disposed.</summary>
    /// <returns>Restores the previous runtime when disposed.</returns>
    public IDisposable Use()
    {
        var previous = AmbientContext.Current;
        AmbientContext.Current = new AmbientContext(this, null, null);
        return new AmbientRestore(previous);
    }

    /// <summary>
    /// Marks the calling asynchronous flow as a live render, until the result is disposed: code there renders nothing into a
    /// cache (an interactive circuit), so <c>CacheTag()</c> and <c>CacheLife()</c> called outside a cached function do
    /// nothing instead of throwing, and a <c>[UseCache]</c> component runs as a plain component. Cached functions called
    /// there are cached as anywhere else. The web layer marks every inbound activity of a Blazor circuit.
    /// </summary>
    /// <returns>Ends the mark when disposed.</returns>
    public IDisposable BeginLiveRender()
    {
        var previous = AmbientContext.Current;
        AmbientContext.Current = new AmbientContext(previous?.Runtime ?? this, previous?.Request, previous?.Scope) { LiveRender = true };
        return new AmbientRestore(previous);
    }

    /// <summary>
    /// Starts a request scope for the calling asynchronous flow (the web layer does this for every HTTP request).
    /// Dispose it when the request ends.
    /// </summary>
    /// <param name="data">The request data behind <c>Cookies()</c>, <c>Headers()</c> and <c>SearchParams()</c>.</param>
    /// <param name="phase">What revalidation is allowed; <see cref="CacheRequestPhase.Handler"/> by default.</param>
    /// <param name="route">The route, for error messages.</param>
    /// <param name="implicitTags">The implicit tags of the request's path.</param>
    /// <returns>The request scope.</returns>
    public CacheRequest BeginRequest(IRequestData? data = null, CacheRequestPhase phase = CacheRequestPhase.Handler, string? route = null, IReadOnlyList<string>? implicitTags = null)
    {
        var previous = AmbientContext.Current;
        var request = new CacheRequest(this, data, phase, route, implicitTags, previous);
        AmbientContext.Current = new AmbientContext(this, request, null);
        return request;
    }

    /// <summary>The handler of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The handler.</returns>
    /// <exception cref="InvalidOperationException">No handler is registered for the kind (or the kind is <c>private</c>).</exception>
    public ICacheHandler GetHandler(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind == StrataDefaults.PrivateKind)
        {
            throw new InvalidOperationException("[UseCache(\"private\")] has no cache handler: private results are never stored on the server.");
        }

        return _handlers.TryGetValue(kind, out var handler) ? handler : throw new InvalidOperationException(ErrorMessages.UnknownKind(kind));
    }

    /// <summary>Checks that every kind in <paramref name="kinds"/> has a handler (or is <c>private</c>).</summary>
    /// <param name="kinds">The kinds the application uses; <see cref="CacheKinds.All"/> when <see langword="null"/>.</param>
    /// <exception cref="InvalidOperationException">Some kinds have no handler; the message lists them and says how to register one.</exception>
    public void ValidateKinds(IEnumerable<string>? kinds = null)
    {
        var missing = (kinds ?? CacheKinds.All).Where(k => k != StrataDefaults.PrivateKind && !_handlers.ContainsKey(k)).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(ErrorMessages.UnknownKinds(missing));
        }
    }

    /// <summary>A lifetime profile by name.</summary>
    /// <param name="name">The profile name.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentException">No such profile; the message suggests the closest name.</exception>
    public CacheLifeProfile GetProfile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_profiles.TryGetValue(name, out var profile))
        {
            return profile;
        }

        throw new ArgumentException(ErrorMessages.UnknownProfile(name, Suggest(name, _profiles.Keys)), nameof(name));
    }

    /// <summary>Waits until background refreshes and pending handler writes have finished (for tests and graceful shutdown).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when nothing is pending.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (!_background.IsEmpty)
        {
            await Task.WhenAll(_background.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal RuntimeBinding Bind(CacheFunction function)
    {
        var handler = function.IsPrivate ? null : GetHandler(function.Kind);
        var buildSeed = Volatile.Read(ref _buildSeed);
        var binding = new RuntimeBinding(this, buildSeed, function.Seed ^ buildSeed, handler);
        function.Binding = binding;
        return binding;
    }

    /// <summary>Whether <paramref name="binding"/> was made by this runtime for the code that runs now (not before a hot reload).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool IsCurrent(RuntimeBinding binding) => ReferenceEquals(binding.Runtime, this) && binding.BuildSeed == Volatile.Read(ref _buildSeed);

    /// <summary>
    /// The application's code changed while it runs (hot reload, see <see cref="HotReload"/>): every key starts anew, as
    /// Next.js keys entries with its HMR hash in development, so no function or component returns what its old code made.
    /// The memory handlers are emptied (their entries could never be read again); other handlers keep the old entries
    /// until they expire, unread.
    /// </summary>
    internal void OnCodeUpdated()
    {
        var generation = Interlocked.Increment(ref _codeGeneration);
        Volatile.Write(ref _buildSeed, (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{BuildId}\0hot-reload-{generation}")));
        foreach (var memory in _distinctHandlers.OfType<MemoryCacheHandler>())
        {
            memory.Clear();
        }

        _logger.LogInformation("Code was updated (hot reload): cached results made before the update are no longer read ({Generation}).", generation);
    }

    internal void Debug(string operation, CacheFunction? function, CacheKey key, string? detail = null) =>
        CacheDebug.Log(_logger, operation, function?.Kind ?? "*", function, key, detail);

    internal void Track(Task task)
    {
        if (task.IsCompleted)
        {
            return;
        }

        _background.TryAdd(task, 0);
        task.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _background, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Checks <paramref name="options"/> as the constructor does (the one place of these rules; <c>AddStrata()</c> runs it
    /// at start-up through <see cref="StrataOptionsValidation"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and the fix.</exception>
    internal static void Validate(StrataOptions options)
    {
        BuildProfiles(options);
        ValidateLimits(options);
    }

    private static void ValidateLimits(StrataOptions options)
    {
        if (options.CacheMaxMemorySize < 0)
        {
            throw new ArgumentException(
                $"Strata:CacheMaxMemorySize is {options.CacheMaxMemorySize}; it is a size in bytes: 0 or more (the default is {StrataDefaults.CacheMaxMemorySize}).",
                nameof(options));
        }

        ValidateFailSafe(options);
        ValidateFillLimits(options);
    }

    private static Dictionary<string, CacheLifeProfile> BuildProfiles(StrataOptions options)
    {
        var profiles = new Dictionary<string, CacheLifeProfile>(CacheLifeProfile.BuiltIn, StringComparer.Ordinal);
        foreach (var (name, profile) in options.CacheLife)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A CacheLife profile name must not be empty.", nameof(options));
            }

            var normalized = CacheLifeValidation.Normalize(profile ?? throw new ArgumentException($"The CacheLife profile \"{name}\" is null.", nameof(options)), name);
            if (name == StrataDefaults.DefaultKind)
            {
                // A custom default is backfilled from the built-in one (stale 300, revalidate 900, expire never).
                normalized = CacheLifeValidation.Normalize(
                    new CacheLifeProfile
                    {
                        Stale = normalized.Stale ?? CacheLifeProfile.Default.Stale,
                        Revalidate = normalized.Revalidate ?? CacheLifeProfile.Default.Revalidate,
                        Expire = normalized.Expire ?? CacheLifeProfile.Default.Expire,
                    },
                    name);
            }

            profiles[name] = normalized;
        }

        return profiles;
    }

    private static void ValidateHandlerKind(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind == StrataDefaults.PrivateKind)
        {
            throw new ArgumentException(ErrorMessages.PrivateHandler, nameof(kind));
        }

        CacheKinds.Validate(kind);
    }

    private static string DefaultBuildId()
    {
        var assembly = Assembly.GetEntryAssembly();
        if (assembly is null)
        {
            return "development";
        }

        return assembly.GetName().Name + ":" + assembly.ManifestModule.ModuleVersionId.ToString("N");
    }

    internal static string? Suggest(string name, IEnumerable<string> candidates)
    {
        var trimmed = name.Trim();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (candidate == trimmed)
            {
                return candidate;
            }

            var distance = TextDistance.Levenshtein(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private sealed class InFlight(Task<CacheEntry> task, bool isBackground)
    {
        public Task<CacheEntry> Task { get; } = task;

        public bool IsBackground { get; } = isBackground;
    }
}
