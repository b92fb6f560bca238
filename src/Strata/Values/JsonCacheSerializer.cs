using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Strata;

/// <summary>
/// The default <see cref="ICacheSerializer"/>: System.Text.Json with reflection-based metadata, or with the options you
/// give (for example with a source-generated <c>JsonSerializerContext</c> in <see cref="JsonSerializerOptions.TypeInfoResolver"/>).
/// </summary>
public sealed class JsonCacheSerializer : ICacheSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a serializer with the given options, or with defaults (general naming, fields ignored, reflection metadata).</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    public JsonCacheSerializer(JsonSerializerOptions? options = null)
    {
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        _options.MakeReadOnly();
    }

    /// <summary>The options in use.</summary>
    public JsonSerializerOptions Options => _options;

    /// <inheritdoc />
    public void Serialize<T>(T value, IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, value, _options);
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySpan<byte> source) => JsonSerializer.Deserialize<T>(source, _options)!;
}
