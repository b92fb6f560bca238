using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Strata;

/// <summary>
/// Where a run's result becomes the value of its entry: a hit must return what the miss returned, so a result that cannot
/// be copied faithfully is returned to the caller that made it and not stored, with one warning per function.
/// </summary>
public sealed partial class CacheRuntime
{
    /// <summary>The functions whose results were reported as not copyable (once each).</summary>
    private readonly ConcurrentDictionary<CacheFunction, byte> _reportedNotCopyable = new();

    /// <summary>
    /// The value of the entry for a run's result. <see cref="NotStoredValue"/> when the entry is not stored: there is no
    /// handler (private caches, draft mode), or the result cannot be copied faithfully for <paramref name="handler"/>.
    /// </summary>
    private CacheValue CreateValue<TResult>(CacheFunction function, TResult value, ICacheHandler? handler)
    {
        if (handler is null)
        {
            return NotStoredValue.Instance;
        }

        if (CacheValues.TryCreate(value, Serializer, asBytes: handler is not MemoryCacheHandler, out var whyNot) is { } created)
        {
            return created;
        }

        if (_reportedNotCopyable.TryAdd(function, 0))
        {
            LogNotCopyable(function.DisplayName, whyNot!);
        }

        return NotStoredValue.Instance;
    }

    /// <summary>
    /// Completes the pending write of a run with its entry, or without one (cancelled) when its value is not stored: the
    /// handler then stores nothing, and callers that joined the run run the function themselves.
    /// </summary>
    private static void Complete(TaskCompletionSource<CacheEntry> completion, CacheEntry entry)
    {
        if (entry.Value is NotStoredValue)
        {
            completion.TrySetCanceled();
        }
        else
        {
            completion.TrySetResult(entry);
        }
    }

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "{Function} returned a value that is not cached: {Reason}. A hit must return what the call returned, so such a value is returned to its caller and not stored (this is logged once per function). Make the type immutable (a record with init-only properties, ImmutableArray<T> or FrozenDictionary<TKey, TValue>, or [ImmutableObject(true)]), make it copy faithfully (public properties that are settable or set by constructor parameters; [JsonInclude] for a non-public setter), or register a serializer that copies it with StrataOptions.Serializer.")]
    private partial void LogNotCopyable(string function, string reason);
}
