using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Strata;

/// <summary>
/// The default <see cref="ICacheSerializer"/>: System.Text.Json with reflection-based metadata, or with the options you
/// give (for example with a source-generated <c>JsonSerializerContext</c> in <see cref="JsonSerializerOptions.TypeInfoResolver"/>).
/// </summary>
/// <remarks>
/// Strata adds one rule to the contracts of the options: a value of a derived type held where a base type is declared
/// (a member, a list item) fails to serialize, since JSON would write it as the base type and a copy would lose the rest;
/// list derived types on the base type with <c>[JsonDerivedType]</c> to copy them. A value that fails to serialize is
/// returned to its caller and not cached.
/// </remarks>
public sealed class JsonCacheSerializer : ICacheSerializer
{
    private readonly JsonSerializerOptions _options;
    private readonly ConcurrentDictionary<Type, string?> _whyNotFaithful = new();

    /// <summary>
    /// Creates a serializer with the given options, or with the defaults: general naming, public fields included, NaN and
    /// infinities written as strings, reflection metadata. Given options are copied.
    /// </summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    public JsonCacheSerializer(JsonSerializerOptions? options = null)
    {
        var configured = options is null
            ? new JsonSerializerOptions(JsonSerializerDefaults.General)
            {
                IncludeFields = true,
                NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            }
            : new JsonSerializerOptions(options);
        configured.TypeInfoResolver = (options?.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(JsonFidelity.RejectDerivedValues);
        configured.MakeReadOnly();
        _options = configured;
    }

    /// <summary>The options in use (read-only).</summary>
    public JsonSerializerOptions Options => _options;

    /// <inheritdoc />
    public void Serialize<T>(T value, IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, value, _options);
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySpan<byte> source) => JsonSerializer.Deserialize<T>(source, _options)!;

    /// <summary>Why a JSON copy of a value of runtime type <paramref name="type"/> would differ from it; <see langword="null"/> when it would not. Worked out once per type.</summary>
    internal string? WhyNotFaithful(Type type) => _whyNotFaithful.GetOrAdd(type, static (t, options) => JsonFidelity.WhyNot(options, t), _options);
}
