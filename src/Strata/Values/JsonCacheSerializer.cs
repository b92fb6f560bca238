using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
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
    private const string ReflectionMetadata = "Reads the metadata of the copied types by reflection, which trimming and Native AOT do not keep. Use JsonCacheSerializer(IJsonTypeInfoResolver) with a source-generated JsonSerializerContext.";

    private readonly JsonSerializerOptions _options;
    private readonly ConcurrentDictionary<Type, string?> _whyNotFaithful = new();

    /// <summary>
    /// Creates a serializer with the given options, or with the defaults: general naming, public fields included, NaN and
    /// infinities written as strings, reflection metadata (unless the options name a <see cref="JsonSerializerOptions.TypeInfoResolver"/>).
    /// Given options are copied. In trimmed and Native AOT apps use
    /// <see cref="JsonCacheSerializer(IJsonTypeInfoResolver, JsonSerializerOptions?)"/> with a source-generated context.
    /// </summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    [RequiresUnreferencedCode(ReflectionMetadata)]
    [RequiresDynamicCode(ReflectionMetadata)]
    public JsonCacheSerializer(JsonSerializerOptions? options = null)
        : this(options?.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver(), options)
    {
    }

    /// <summary>
    /// Creates a serializer whose metadata comes from <paramref name="typeInfoResolver"/> (a source-generated
    /// <c>JsonSerializerContext</c> listing the result types with <c>[JsonSerializable]</c>): no reflection, so it works in
    /// trimmed and Native AOT apps. Strings, numbers, dates, <see cref="Guid"/>, <see cref="Uri"/> and <see cref="Version"/>
    /// need not be listed. The other settings are <paramref name="options"/>' (copied) or the defaults.
    /// </summary>
    /// <param name="typeInfoResolver">The metadata of the types to copy.</param>
    /// <param name="options">The other settings; <see langword="null"/> for the defaults.</param>
    public JsonCacheSerializer(IJsonTypeInfoResolver typeInfoResolver, JsonSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(typeInfoResolver);
        var configured = options is null
            ? new JsonSerializerOptions(JsonSerializerDefaults.General)
            {
                IncludeFields = true,
                NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            }
            : new JsonSerializerOptions(options);
        configured.TypeInfoResolver = JsonTypeInfoResolver.Combine(typeInfoResolver, ScalarJsonContext.Default).WithAddedModifier(JsonFidelity.RejectDerivedValues);
        configured.MakeReadOnly();
        _options = configured;
    }

    /// <summary>The options in use (read-only).</summary>
    public JsonSerializerOptions Options => _options;

    /// <inheritdoc />
    public void Serialize<T>(T value, IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, value, TypeInfo<T>());
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySpan<byte> source) => JsonSerializer.Deserialize(source, TypeInfo<T>())!;

    /// <summary>
    /// The serializer Strata uses when none is configured: reflection metadata, or in trimmed and Native AOT apps (where
    /// <see cref="StrataFeatures.IsReflectionEnabled"/> is off) none, so that every copy fails with the fix.
    /// </summary>
    internal static JsonCacheSerializer CreateDefault() =>
        StrataFeatures.IsReflectionEnabled ? new JsonCacheSerializer() : new JsonCacheSerializer(JsonTypeInfoResolver.Combine(ScalarJsonContext.Default, new NoMetadata()));

    private JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T));

    /// <summary>Why a JSON copy of a value of runtime type <paramref name="type"/> would differ from it; <see langword="null"/> when it would not. Worked out once per type.</summary>
    internal string? WhyNotFaithful(Type type) => _whyNotFaithful.GetOrAdd(type, static (t, options) => JsonFidelity.WhyNot(options, t), _options);

    /// <summary>The resolver of the default serializer in trimmed and Native AOT apps: no type has metadata, and the error says how to give it.</summary>
    private sealed class NoMetadata : IJsonTypeInfoResolver
    {
        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) => throw new NotSupportedException(
            $"a trimmed or Native AOT app copies values only with metadata it is given: list the type with [JsonSerializable(typeof({CacheValues.Display(type)}))] on a JsonSerializerContext and set AddStrata(o => o.Serializer = new JsonCacheSerializer(YourJsonContext.Default)), or return a string, a number, a date or another scalar, which is shared without a copy");
    }
}
