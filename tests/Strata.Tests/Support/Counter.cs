using System.Runtime.CompilerServices;

namespace Strata.Tests.Support;

/// <summary>
/// Counts executions of a cached body (the "upstream calls"). It is registered as a pass-through type, so lambdas may
/// capture it without it becoming part of their keys (as an application would register a service type it captures).
/// </summary>
internal sealed class Counter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public int Next() => Interlocked.Increment(ref _count);

    [ModuleInitializer]
    internal static void RegisterAsPassThrough() => CacheKeyPassThrough.Register(typeof(Counter));
}
