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

/// <summary>
/// A value made in this process (see <see cref="CacheValues.TryCreate"/>): handed out as it is when it is shared, otherwise
/// copied from a snapshot taken when it was made (the caller that made it may change it after it is returned). Copies are
/// made as the value's runtime type when <c>codec</c> is given, so a value returned as its base type keeps its own state;
/// <see cref="GetBytes"/> always gives what <typeparamref name="T"/> reads back.
/// </summary>
internal sealed class ObjectValue<T> : CacheValue
{
    private readonly T _value;
    private readonly ICacheSerializer _serializer;
    private readonly TypeCodec? _codec;
    private byte[]? _copy;
    private byte[]? _bytes;
    private Task<T>? _task;

    public ObjectValue(T value, ICacheSerializer serializer, bool shared, TypeCodec? codec, byte[]? snapshot)
    {
        _value = value;
        _serializer = serializer;
        _codec = codec;
        _copy = snapshot;
        IsShared = shared;
    }

    /// <summary>Whether the instance can be handed to every caller (nothing in it can be changed).</summary>
    public bool IsShared { get; }

    /// <summary>The instance itself (only for shared values, or the caller that made it).</summary>
    public T Value => _value;

    /// <summary>A completed task of the value, made once, so that a hit through a <see cref="Task{TResult}"/> API allocates nothing.</summary>
    public Task<T> CompletedTask => _task ??= Task.FromResult(_value);

    public override ReadOnlyMemory<byte> GetBytes() => _codec is null ? Copy() : _bytes ??= TypeCodec.Serialize(_serializer, _value);

    public override long Size => Copy().Length;

    public override TResult Read<TResult>()
    {
        if (IsShared && this is ObjectValue<TResult> same)
        {
            return same._value;
        }

        return _codec is null ? _serializer.Deserialize<TResult>(Copy()) : (TResult)_codec.Deserialize(_serializer, Copy())!;
    }

    private byte[] Copy() => _copy ??= _codec is null ? TypeCodec.Serialize(_serializer, _value) : _codec.Serialize(_serializer, _value!);
}

/// <summary>A value read back from bytes (a remote handler).</summary>
internal sealed class BytesValue(ReadOnlyMemory<byte> bytes, ICacheSerializer serializer) : CacheValue
{
    public override ReadOnlyMemory<byte> GetBytes() => bytes;

    public override T Read<T>() => serializer.Deserialize<T>(bytes.Span);
}

/// <summary>
/// The value of an entry that is not stored: a private or draft-mode result, or one that cannot be copied faithfully. Its
/// entry only carries lifetimes and tags to outer scopes; the engine never hands it to a handler.
/// </summary>
internal sealed class NotStoredValue : CacheValue
{
    public static readonly NotStoredValue Instance = new();

    private NotStoredValue()
    {
    }

    public override ReadOnlyMemory<byte> GetBytes() => throw new InvalidOperationException("This entry's value is not stored.");

    public override T Read<T>() => throw new InvalidOperationException("This entry's value is not stored.");
}
