using System.Collections.Concurrent;

namespace Strata;

/// <summary>The values of <c>Cache.Memo</c> functions for one request or one cache scope (the counterpart of <c>React.cache</c>).</summary>
internal sealed class MemoStore
{
    private readonly ConcurrentDictionary<MemoKey, Lazy<object?>> _values = new();

    public TResult GetOrAdd<TArgs, TFunction, TResult>(object identity, TArgs args, TFunction function, Func<TArgs, TFunction, TResult> compute)
        where TArgs : notnull
    {
        var lazy = _values.GetOrAdd(
            new MemoKey(identity, args),
            static (_, a) => new Lazy<object?>(() => a.compute(a.args, a.function)),
            (compute, args, function));
        return (TResult)lazy.Value!;
    }

    private readonly record struct MemoKey(object Function, object Args);
}
