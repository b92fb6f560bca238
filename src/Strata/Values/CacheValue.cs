using System.Buffers;

namespace Strata;

/// <summary>
/// The value of a cache entry. A value made by the engine holds the object (handed out by reference when its type is
/// immutable, copied through the serializer otherwise) and serializes on demand; a value read by a remote handler holds
/// bytes and deserializes on demand.
/// </summary>
public abstract class CacheValue
{
    private protected CacheValue()
    {
    }

    /// <summary>Wraps serialized bytes (as written by <see cref="GetBytes"/>), for handlers that store bytes.</summary>
    /// <param name="bytes">The serialized value.</param>
    /// <param name="serializer">The serializer that wrote them.</param>
    /// <returns>The value.</returns>
    public static CacheValue FromBytes(ReadOnlyMemory<byte> bytes, ICacheSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return new BytesValue(bytes, serializer);
    }

    /// <summary>The serialized form of the value, made once and kept.</summary>
    /// <returns>The bytes.</returns>
    public abstract ReadOnlyMemory<byte> GetBytes();

    /// <summary>The number of bytes of the serialized form: what the value costs in a memory budget.</summary>
    public virtual long Size => GetBytes().Length;

    /// <summary>Reads the value as <typeparamref name="T"/>: the same instance when immutable, a fresh copy otherwise.</summary>
    /// <typeparam name="T">The declared result type of the function.</typeparam>
    /// <returns>The value.</returns>
    public abstract T Read<T>();
}

/// <summary>A value made in this process.</summary>
internal sealed class ObjectValue<T> : CacheValue
{
    private readonly T _value;
    private readonly ICacheSerializer _serializer;
    private byte[]? _bytes;
    private Task<T>? _task;

    public ObjectValue(T value, ICacheSerializer serializer)
    {
        _value = value;
        _serializer = serializer;
        IsShared = value is null || Immutability.IsImmutable(value.GetType());
        if (!IsShared)
        {
            // Snapshot now: the caller that made the value may change it after it is returned.
            _bytes = Serialize(value, serializer);
        }
    }

    /// <summary>Whether the instance can be handed to every caller (its type is immutable).</summary>
    public bool IsShared { get; }

    /// <summary>The instance itself (only for shared values, or the caller that made it).</summary>
    public T Value => _value;

    /// <summary>A completed task of the value, made once, so that a hit through a <see cref="Task{TResult}"/> API allocates nothing.</summary>
    public Task<T> CompletedTask => _task ??= Task.FromResult(_value);

    public override ReadOnlyMemory<byte> GetBytes() => _bytes ??= Serialize(_value, _serializer);

    public override TResult Read<TResult>()
    {
        if (IsShared && this is ObjectValue<TResult> same)
        {
            return same._value;
        }

        return _serializer.Deserialize<TResult>(GetBytes().Span);
    }

    internal static byte[] Serialize(T value, ICacheSerializer serializer)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        serializer.Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>A value read back from bytes (a remote handler).</summary>
internal sealed class BytesValue(ReadOnlyMemory<byte> bytes, ICacheSerializer serializer) : CacheValue
{
    public override ReadOnlyMemory<byte> GetBytes() => bytes;

    public override T Read<T>() => serializer.Deserialize<T>(bytes.Span);
}
