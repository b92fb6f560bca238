using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Strata;

/// <summary>
/// Calls the generic <see cref="ICacheSerializer"/> methods for a type known only at run time (the runtime type of a
/// value returned as a base type): one instance per type, made once.
/// </summary>
internal abstract class TypeCodec
{
    private static readonly ConcurrentDictionary<Type, TypeCodec> Codecs = new();

    /// <summary>The codec of <paramref name="type"/> (callers check <see cref="StrataFeatures.IsReflectionEnabled"/>).</summary>
    [RequiresUnreferencedCode("Creates TypeCodec<T> for a type known at run time.")]
    [RequiresDynamicCode("Creates TypeCodec<T> for a type known at run time.")]
    public static TypeCodec For(Type type) =>
        Codecs.GetOrAdd(type, static t => (TypeCodec)Activator.CreateInstance(typeof(TypeCodec<>).MakeGenericType(t))!);

    /// <summary>Serializes <paramref name="value"/> as this codec's type.</summary>
    public abstract byte[] Serialize(ICacheSerializer serializer, object value);

    /// <summary>Deserializes a value of this codec's type.</summary>
    public abstract object? Deserialize(ICacheSerializer serializer, ReadOnlySpan<byte> bytes);

    /// <summary>Serializes <paramref name="value"/> as <typeparamref name="T"/>.</summary>
    public static byte[] Serialize<T>(ICacheSerializer serializer, T value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        serializer.Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The codec of <typeparamref name="T"/>.</summary>
internal sealed class TypeCodec<T> : TypeCodec
{
    /// <summary>The codec of <typeparamref name="T"/>, for code that knows <typeparamref name="T"/> statically.</summary>
    public static TypeCodec<T> Instance { get; } = new();

    public override byte[] Serialize(ICacheSerializer serializer, object value) => Serialize(serializer, (T)value);

    public override object? Deserialize(ICacheSerializer serializer, ReadOnlySpan<byte> bytes) => serializer.Deserialize<T>(bytes);
}
