using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Strata;

/// <summary>
/// Makes the value of a cache entry from a function's result, so that every hit returns what the miss returned: a value
/// nothing can change is shared by reference; any other value is stored only when the serializer copies it faithfully.
/// </summary>
/// <remarks>
/// Whether a type copies faithfully is decided once per serializer, runtime type and copy type, on the first value: for
/// <see cref="JsonCacheSerializer"/> from its contracts (<see cref="JsonFidelity"/>: no state the contract cannot restore),
/// for every serializer by a round trip (serialize, deserialize, serialize again: the same runtime type and the same bytes).
/// Each value is serialized when it is made (the snapshot copies are read from), and a value that fails to serialize is
/// not stored either. Copies are made as the runtime type (a value returned as its base type keeps its state), except that
/// a result declared as a collection interface is copied as declared (its items, in the serializer's collection), and that
/// handlers that keep bytes read values back as the declared type, so there a value of another type is stored only when
/// the declared type restores it (System.Text.Json: <c>[JsonDerivedType]</c> on the declared type).
/// </remarks>
internal static class CacheValues
{
    private static readonly ConditionalWeakTable<ICacheSerializer, ConcurrentDictionary<(Type Runtime, Type CopyAs), string?>> Verdicts = new();

    /// <summary>
    /// The value to store for <paramref name="value"/>, or <see langword="null"/> when a copy would differ from it; then
    /// <paramref name="whyNot"/> names the type and the reason. Never throws because of the value.
    /// </summary>
    /// <typeparam name="T">The declared result type.</typeparam>
    /// <param name="value">The result.</param>
    /// <param name="serializer">The serializer that copies it.</param>
    /// <param name="asBytes">
    /// Whether the handler keeps bytes that any process reads back as <typeparamref name="T"/> (Redis, IDistributedCache,
    /// custom handlers), rather than this object (the memory handler).
    /// </param>
    /// <param name="whyNot">Why the value is not stored.</param>
    public static CacheValue? TryCreate<T>(T value, ICacheSerializer serializer, bool asBytes, out string? whyNot)
    {
        whyNot = null;
        if (value is null)
        {
            return new ObjectValue<T>(value, serializer, shared: true, codec: null, snapshot: null);
        }

        var runtime = value.GetType();
        var copyAs = asBytes || runtime == typeof(T) || IsCollectionInterface(typeof(T)) ? typeof(T) : runtime;
        TypeCodec? codec = null;
        if (copyAs != typeof(T))
        {
            if (!StrataFeatures.IsReflectionEnabled)
            {
                whyNot = $"{Display(runtime)} is returned as {Display(typeof(T))}, and a trimmed or Native AOT app stores a value only as its declared type (declare the result as {Display(runtime)})";
                return null;
            }

            codec = TypeCodec.For(copyAs);
        }

        var shared = Immutability.IsShared(value);
        if (shared && !asBytes)
        {
            return new ObjectValue<T>(value, serializer, shared: true, codec, snapshot: null);
        }

        byte[] snapshot;
        try
        {
            snapshot = codec is null ? TypeCodec.Serialize(serializer, value) : codec.Serialize(serializer, value);
        }
        catch (Exception ex)
        {
            whyNot = $"{Display(runtime)} cannot be serialized: {FirstLine(ex.Message)}";
            return null;
        }

        var verdicts = Verdicts.GetValue(serializer, static _ => new());
        if (!verdicts.TryGetValue((runtime, copyAs), out whyNot))
        {
            whyNot = verdicts.GetOrAdd((runtime, copyAs), Judge(runtime, copyAs, codec ?? TypeCodec<T>.Instance, serializer, snapshot));
        }

        return whyNot is null ? new ObjectValue<T>(value, serializer, shared, codec, snapshot) : null;
    }

    /// <summary>Why copies of <paramref name="runtime"/> made as <paramref name="copyAs"/> would differ from the value; <see langword="null"/> when they would not.</summary>
    private static string? Judge(Type runtime, Type copyAs, TypeCodec codec, ICacheSerializer serializer, byte[] snapshot)
    {
        if (serializer is JsonCacheSerializer json && json.WhyNotFaithful(runtime) is { } reason)
        {
            return reason;
        }

        try
        {
            var copy = codec.Deserialize(serializer, snapshot);
            if (copy is null || (!copyAs.IsInterface && copy.GetType() != runtime))
            {
                var what = copy is null ? "null" : "a " + Display(copy.GetType());
                return copyAs == runtime
                    ? $"{Display(runtime)} does not survive a round trip through the serializer: the copy is {what}"
                    : $"{Display(runtime)} is returned as {Display(copyAs)}, and a handler that stores bytes reads it back as {Display(copyAs)}: the copy is {what} (declare the result as {Display(runtime)}, or list {Display(runtime)} on {Display(copyAs)} with [JsonDerivedType])";
            }

            if (!codec.Serialize(serializer, copy).AsSpan().SequenceEqual(snapshot))
            {
                return $"{Display(runtime)} does not survive a round trip through the serializer: its copy serializes differently (state is lost or changed on the way)";
            }

            return null;
        }
        catch (Exception ex)
        {
            return $"{Display(runtime)} cannot be read back by the serializer: {FirstLine(ex.Message)}";
        }
    }

    private static bool IsCollectionInterface(Type type) => type.IsInterface && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    /// <summary>A type as C# writes it, without namespaces: <c>Shelter.Animal</c>, <c>List&lt;int&gt;</c>, <c>int[]</c>.</summary>
    internal static string Display(Type type)
    {
        if (type.IsArray)
        {
            return Display(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Display(underlying) + "?";
        }

        return Keyword(type) ?? Display(type, type.GenericTypeArguments);
    }

    /// <summary>
    /// A (possibly nested) type with the arguments of its generic definition: the outer types take the first ones, as
    /// C# writes <c>Outer&lt;int&gt;.Inner&lt;string&gt;</c> (no type is constructed, so this works without dynamic code).
    /// </summary>
    private static string Display(Type type, Type[] arguments)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var outer = type.IsNested && type.DeclaringType is { } declaring ? declaring : null;
        var inherited = Math.Min(outer?.GetGenericArguments().Length ?? 0, arguments.Length);
        var text = tick < 0 ? name : name[..tick] + "<" + string.Join(", ", arguments[inherited..].Select(Display)) + ">";
        return outer is null ? text : Display(outer, arguments[..inherited]) + "." + text;
    }

    /// <summary>The first line of an exception message (System.Text.Json appends paths and hints on later lines).</summary>
    internal static string FirstLine(string message) => message.AsSpan().IndexOfAny('\r', '\n') is var end and >= 0 ? message[..end] : message;

    private static string? Keyword(Type type) => type.IsEnum ? null : Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "bool",
        TypeCode.Byte => "byte",
        TypeCode.Char => "char",
        TypeCode.Decimal => "decimal",
        TypeCode.Double => "double",
        TypeCode.Int16 => "short",
        TypeCode.Int32 => "int",
        TypeCode.Int64 => "long",
        TypeCode.SByte => "sbyte",
        TypeCode.Single => "float",
        TypeCode.String => "string",
        TypeCode.UInt16 => "ushort",
        TypeCode.UInt32 => "uint",
        TypeCode.UInt64 => "ulong",
        _ => type == typeof(object) ? "object" : null,
    };
}
