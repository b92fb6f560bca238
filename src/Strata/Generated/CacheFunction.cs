using System.IO.Hashing;
using System.Text;

namespace Strata.Generated;

/// <summary>
/// Describes one cached function: its stable id, its cache kind and the names of its parameters (used in error messages).
/// Create one per function, once (a static field), and pass it to <see cref="CacheRuntimeCalls.RunAsync{TState, TResult}(CacheRuntime, CacheFunction, ref CacheKeyBuilder, TState, Func{TState, ValueTask{TResult}})"/>.
/// </summary>
public sealed class CacheFunction
{
    private readonly string[] _parameterNames;
    private volatile RuntimeBinding? _binding;

    private CacheFunction(string id, string kind, string displayName, string[] parameterNames)
    {
        Id = id;
        Kind = kind;
        DisplayName = displayName;
        _parameterNames = parameterNames;
        IsPrivate = kind == StrataDefaults.PrivateKind;
        IsRemote = kind == StrataDefaults.RemoteKind;
        Seed = ComputeSeed(kind, id);
    }

    /// <summary>
    /// Creates the descriptor of a cached function.
    /// </summary>
    /// <param name="id">
    /// An id that is unique to the function and the same in every process of the same build, e.g.
    /// <c>"MyApp.Catalog.GetProduct(string)"</c>. Two functions must never share an id.
    /// </param>
    /// <param name="kind">The cache kind: <c>default</c> (the default), <c>remote</c>, <c>private</c> or a custom kind.</param>
    /// <param name="displayName">A readable name for logs and errors; defaults to <paramref name="id"/>.</param>
    /// <param name="parameterNames">The parameter names, in order, for error messages.</param>
    /// <returns>The descriptor.</returns>
    /// <exception cref="ArgumentException">The id is empty or the kind is not a valid kind name.</exception>
    public static CacheFunction Create(string id, string kind = StrataDefaults.DefaultKind, string? displayName = null, params string[] parameterNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(parameterNames);
        CacheKinds.Declare(kind);
        return new CacheFunction(id, kind, displayName ?? id, parameterNames);
    }

    /// <summary>The stable id of the function.</summary>
    public string Id { get; }

    /// <summary>The cache kind.</summary>
    public string Kind { get; }

    /// <summary>The name used in logs and error messages.</summary>
    public string DisplayName { get; }

    /// <summary>Whether the kind is <c>private</c>: the result is never stored on the server.</summary>
    public bool IsPrivate { get; }

    /// <summary>Whether the kind is <c>remote</c>: it must not be nested inside a private cache.</summary>
    internal bool IsRemote { get; }

    /// <summary>The parameter names, in order.</summary>
    public IReadOnlyList<string> ParameterNames => _parameterNames;

    internal long Seed { get; }

    internal string ParameterName(int index) =>
        index < _parameterNames.Length ? _parameterNames[index] : $"argument {index + 1}";

    internal RuntimeBinding? Binding
    {
        get => _binding;
        set => _binding = value;
    }

    /// <inheritdoc />
    public override string ToString() => $"{DisplayName} ({Kind})";

    private static long ComputeSeed(string kind, string id)
    {
        var bytes = Encoding.UTF8.GetBytes(kind + "\0" + id);
        return (long)XxHash64.HashToUInt64(bytes);
    }
}

/// <summary>What a function resolved against one runtime: the seed that mixes in the build id, and its handler.</summary>
internal sealed class RuntimeBinding(CacheRuntime runtime, long buildSeed, long seed, ICacheHandler? handler)
{
    public CacheRuntime Runtime { get; } = runtime;

    /// <summary>The runtime's build seed when it was made: a hot reload changes it (<see cref="CacheRuntime.IsCurrent"/>).</summary>
    public long BuildSeed { get; } = buildSeed;

    public long Seed { get; } = seed;

    public ICacheHandler? Handler { get; } = handler;

    /// <summary>The handler when it is the built-in memory handler: read without an interface call or a ValueTask.</summary>
    public MemoryCacheHandler? Memory { get; } = handler as MemoryCacheHandler;

    /// <summary>The <see cref="FrontTable{TArgs}"/> of the function on this runtime, made on its first hit.</summary>
    public object? Front;
}
