using System.Runtime.CompilerServices;

namespace Strata.Tests.Support;

/// <summary>A latch a cached body can wait on; registered as pass-through so lambdas may capture it.</summary>
internal sealed class Gate
{
    private readonly TaskCompletionSource _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync() => _source.Task;

    public void Open() => _source.TrySetResult();

    [ModuleInitializer]
    internal static void RegisterAsPassThrough() => CacheKeyPassThrough.Register(typeof(Gate));
}
