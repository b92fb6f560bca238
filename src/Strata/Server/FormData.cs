using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;

namespace Strata;

/// <summary>
/// The fields of a posted form, as a server function receives them (the <c>FormData</c> of Next.js): read a field with
/// <see cref="Get"/> or by name; names are case-sensitive, as in the browser.
/// </summary>
public sealed class FormData : IReadOnlyDictionary<string, StringValues>
{
    private readonly Dictionary<string, StringValues> _fields;

    /// <summary>Creates form data from fields.</summary>
    /// <param name="fields">The fields by name.</param>
    public FormData(IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            _fields[name] = value;
        }
    }

    /// <summary>The values of a field; throws when there is none.</summary>
    /// <param name="key">The field name.</param>
    public StringValues this[string key] => _fields.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The form has no field \"{key}\".");

    /// <summary>The field names.</summary>
    public IEnumerable<string> Keys => _fields.Keys;

    /// <summary>The field values.</summary>
    public IEnumerable<StringValues> Values => _fields.Values;

    /// <summary>The number of fields.</summary>
    public int Count => _fields.Count;

    /// <summary><c>formData.get(name)</c>: the first value of a field, or <see langword="null"/> when the form has no such field.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The first value, or <see langword="null"/>.</returns>
    public string? Get(string name) => _fields.TryGetValue(name, out var value) && value.Count > 0 ? value[0] : null;

    /// <summary><c>formData.getAll(name)</c>: every value of a field (empty when there is none).</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The values.</returns>
    public IReadOnlyList<string> GetAll(string name) =>
        _fields.TryGetValue(name, out var value) ? value.Where(v => v is not null).Select(v => v!).ToArray() : [];

    /// <summary>Whether the form has the field.</summary>
    /// <param name="key">The field name.</param>
    /// <returns>Whether it is present.</returns>
    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    /// <summary>The values of a field, if present.</summary>
    /// <param name="key">The field name.</param>
    /// <param name="value">The values.</param>
    /// <returns>Whether it is present.</returns>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value) => _fields.TryGetValue(key, out value);

    /// <summary>Enumerates the fields.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
