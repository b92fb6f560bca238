using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Primitives;

namespace Strata.AspNetCore.Server;

/// <summary>
/// The JSON rules of server functions, one place for arguments, captured values and results: web defaults (camelCase,
/// case-insensitive property names), enums by name or number, numbers from strings where a form sends them, nullable
/// annotations respected, unknown properties refused, and the configured depth limit.
/// </summary>
internal static class ServerJson
{
    /// <summary>For what Strata itself writes (errors, the revalidated header): camelCase, nulls left out, non-ASCII escaped.</summary>
    public static readonly JsonSerializerOptions HeaderOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static JsonSerializerOptions Create(int maxDepth)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            MaxDepth = maxDepth,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>
/// The arguments of one call: per parameter, a JSON value (from the argument array or the captured values), the posted
/// form, or a form field. Every read checks the value against the declared type and nullability.
/// </summary>
internal sealed class RequestServerArguments : ServerArguments
{
    private readonly ServerFunction _function;
    private readonly JsonSerializerOptions _options;
    private readonly JsonElement?[] _values;
    private readonly FormData? _form;

    private RequestServerArguments(ServerFunction function, JsonSerializerOptions options, JsonElement?[] values, FormData? form)
    {
        _function = function;
        _options = options;
        _values = values;
        _form = form;
    }

    /// <summary>
    /// The arguments of a fetch call: the captured values fill the leading value parameters, the JSON array the rest, in
    /// order (a FormData parameter takes a JSON object of fields).
    /// </summary>
    public static RequestServerArguments FromJson(ServerFunction function, JsonSerializerOptions options, JsonElement[] captured, JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ServerArgumentException(null, "The body of a server function call must be a JSON array of the arguments.");
        }

        var values = new JsonElement?[function.Parameters.Count];
        var expected = Slots(function).Count() - captured.Length;
        var count = array.GetArrayLength();
        if (count != expected)
        {
            var names = Slots(function).Skip(captured.Length).Select(i => function.Parameters[i].Name);
            throw new ServerArgumentException(null, $"{function.MethodName} takes {expected} argument(s) ({string.Join(", ", names)}), but the call sent {count}.");
        }

        var slot = 0;
        foreach (var index in Slots(function))
        {
            values[index] = slot < captured.Length ? captured[slot] : array[slot - captured.Length];
            slot++;
        }

        return new RequestServerArguments(function, options, values, null);
    }

    /// <summary>The arguments of a form post: captured values first, then FormData parameters get the form and the others the field of their name.</summary>
    public static RequestServerArguments FromForm(ServerFunction function, JsonSerializerOptions options, JsonElement[] captured, FormData form)
    {
        var values = new JsonElement?[function.Parameters.Count];
        var slots = Slots(function).ToArray();
        if (captured.Length > slots.Length)
        {
            throw new ServerArgumentException(null, $"{function.MethodName} takes {slots.Length} argument(s), but the reference captured {captured.Length}.");
        }

        for (var i = 0; i < captured.Length; i++)
        {
            values[slots[i]] = captured[i];
        }

        return new RequestServerArguments(function, options, values, form);
    }

    /// <summary>The number of captured values a reference may hold: every parameter a caller sends.</summary>
    public static int MaxCaptured(ServerFunction function) => Slots(function).Count();

    public override T Get<T>(int index)
    {
        var parameter = _function.Parameters[index];
        if (parameter.Source == ServerParameterSource.Form && _form is not null && _values[index] is null)
        {
            return (T)(object)_form;
        }

        if (_values[index] is { } element)
        {
            return parameter.Source == ServerParameterSource.Form ? (T)(object)FormOf(element, parameter) : Read<T>(element, parameter);
        }

        if (_form is not null)
        {
            return ReadField<T>(parameter);
        }

        throw new ServerArgumentException(parameter.Name, $"No value was sent for '{parameter.Name}'.");
    }

    private static IEnumerable<int> Slots(ServerFunction function) =>
        Enumerable.Range(0, function.Parameters.Count).Where(i => function.Parameters[i].Source != ServerParameterSource.CancellationToken);

    private T Read<T>(JsonElement element, ServerParameter parameter)
    {
        T? value;
        try
        {
            value = element.Deserialize<T>(_options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ServerArgumentException(parameter.Name, $"'{parameter.Name}' is not a valid {TypeName(parameter.Type)}: {ex.Message}", ex);
        }

        return value is null && !parameter.AllowsNull
            ? throw new ServerArgumentException(parameter.Name, $"'{parameter.Name}' is required: null is not a valid {TypeName(parameter.Type)}.")
            : value!;
    }

    private T ReadField<T>(ServerParameter parameter)
    {
        var form = _form!;
        if (!form.TryGetValue(parameter.Name, out var field) || field.Count == 0 || (string.IsNullOrEmpty(field[0]) && typeof(T) != typeof(string)))
        {
            if (typeof(T) == typeof(bool))
            {
                return (T)(object)false; // an unchecked checkbox sends nothing
            }

            return parameter.AllowsNull
                ? default!
                : throw new ServerArgumentException(parameter.Name, $"The form has no field '{parameter.Name}', which is required.");
        }

        if (typeof(T) == typeof(string))
        {
            return (T)(object)field[0]!;
        }

        if (typeof(T) == typeof(bool) || typeof(T) == typeof(bool?))
        {
            return field[0] switch
            {
                "on" or "true" or "True" => (T)(object)true,
                "false" or "False" => (T)(object)false,
                _ => throw new ServerArgumentException(parameter.Name, $"'{parameter.Name}' is not a valid boolean: \"{Shorten(field[0])}\" (send true, false or a checkbox)."),
            };
        }

        // A field is text: read it as a JSON string, so numbers, dates, Guid and enums parse as the declared type.
        using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(field.Count == 1 ? (object)field[0]! : field.ToArray()));
        var element = document.RootElement;
        if (element.ValueKind == JsonValueKind.String && IsNumber(parameter.Type) && !string.IsNullOrWhiteSpace(field[0]))
        {
            using var number = ParseNumber(field[0]!, parameter);
            return Read<T>(number.RootElement, parameter);
        }

        return Read<T>(element, parameter);
    }

    private static JsonDocument ParseNumber(string text, ServerParameter parameter)
    {
        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Number)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        throw new ServerArgumentException(parameter.Name, $"'{parameter.Name}' is not a valid {TypeName(parameter.Type)}: \"{Shorten(text)}\".");
    }

    private static FormData FormOf(JsonElement element, ServerParameter parameter)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ServerArgumentException(parameter.Name, $"'{parameter.Name}' must be a JSON object of form fields (name to string, or to an array of strings).");
        }

        var fields = new List<KeyValuePair<string, StringValues>>();
        foreach (var property in element.EnumerateObject())
        {
            StringValues value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Array when property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) =>
                    property.Value.EnumerateArray().Select(v => v.GetString()).ToArray(),
                _ => throw new ServerArgumentException(parameter.Name, $"The form field '{Shorten(property.Name)}' of '{parameter.Name}' must be a string or an array of strings."),
            };
            fields.Add(new(property.Name, value));
        }

        return new FormData(fields);
    }

    private static bool IsNumber(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive && t != typeof(bool) && t != typeof(char) || t == typeof(decimal);
    }

    private static string TypeName(Type type) => Nullable.GetUnderlyingType(type) is { } inner ? inner.Name + "?" : type.Name;

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";
}
