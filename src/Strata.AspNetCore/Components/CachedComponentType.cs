using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Strata.AspNetCore.Components;

/// <summary>
/// A <c>[UseCache]</c> component type as the cache sees it: a cached function whose id is the component's full type name
/// and whose arguments are its parameters, in name order. <c>RenderFragment</c> parameters are holes: only whether one was
/// given is part of the key (a component may render differently when a slot is missing); its content is rendered live.
/// In a private component, <c>[SupplyParameterFromQuery]</c> values are part of the key too.
/// </summary>
internal sealed class CachedComponentType
{
    private readonly string[] _parameters;
    private readonly string[] _holes;
    private readonly string? _captureUnmatched;
    private readonly (string Property, string Query)[] _query;
    private readonly HashSet<string> _declared;
    private readonly string? _error;
    private readonly string? _cascading;

    public CachedComponentType(ComponentTypeInfo info)
    {
        Info = info;
        var type = info.Type;
        Kind = info.UseCache!.Kind;
        IsPrivate = Kind == StrataDefaults.PrivateKind;
        IsStreaming = type.GetCustomAttribute<StreamRenderingAttribute>()?.Enabled == true;

        var parameters = new List<string>();
        var holes = new List<string>();
        var query = new List<(string, string)>();
        _declared = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in ComponentTypeInfo.Properties(type))
        {
            if (property.GetCustomAttribute<ParameterAttribute>() is { } parameter)
            {
                if (!_declared.Add(property.Name))
                {
                    continue; // overridden in a derived type
                }

                if (parameter.CaptureUnmatchedValues)
                {
                    _captureUnmatched = property.Name;
                }
                else if (property.PropertyType == typeof(RenderFragment))
                {
                    holes.Add(property.Name);
                }
                else if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(RenderFragment<>))
                {
                    _error ??= WebErrorMessages.TemplateParameter(info.Name, property.Name, $"RenderFragment<{ComponentTypeInfo.ReadableName(property.PropertyType.GetGenericArguments()[0])}>");
                }
                else
                {
                    parameters.Add(property.Name);
                }

                continue;
            }

            foreach (var attribute in property.GetCustomAttributes(inherit: true))
            {
                if (attribute is not CascadingParameterAttributeBase)
                {
                    continue;
                }

                if (attribute is SupplyParameterFromQueryAttribute fromQuery)
                {
                    if (IsPrivate)
                    {
                        query.Add((property.Name, fromQuery.Name ?? property.Name));
                    }
                    else
                    {
                        _cascading ??= "query:" + property.Name;
                    }
                }
                else if (!IsPrivate)
                {
                    _cascading ??= attribute.GetType().Name[..^"Attribute".Length] + ":" + property.Name;
                }
            }
        }

        parameters.Sort(StringComparer.Ordinal);
        holes.Sort(StringComparer.Ordinal);
        query.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        _parameters = [.. parameters];
        _holes = [.. holes];
        _query = [.. query];

        string[] names = [.. _parameters, .. _holes, .. _captureUnmatched is null ? [] : new[] { _captureUnmatched }, .. _query.Select(q => q.Property)];
        Function = CacheFunction.Create("component:" + type.FullName, Kind, info.Name + " (component)", names);
    }

    public ComponentTypeInfo Info { get; }

    public Type ComponentType => Info.Type;

    public string Name => Info.Name;

    public string Kind { get; }

    public bool IsPrivate { get; }

    public bool IsStreaming { get; }

    public CacheFunction Function { get; }

    /// <summary>The RenderFragment parameters: holes in the cached HTML.</summary>
    public IReadOnlyList<string> Holes => _holes;

    /// <summary>Throws when the type cannot be cached (a template parameter, or request data in a public cache).</summary>
    public void Validate(string? route)
    {
        if (_error is not null)
        {
            throw new InvalidOperationException(_error);
        }

        if (_cascading is not null)
        {
            var separator = _cascading.IndexOf(':', StringComparison.Ordinal);
            var what = _cascading[..separator];
            var property = _cascading[(separator + 1)..];
            throw new InvalidOperationException(what == "query"
                ? WebErrorMessages.QueryParameterInCache(route, Name, property, Kind)
                : WebErrorMessages.CascadingParameterInCache(route, Name, property, what, Kind));
        }
    }

    /// <summary>Adds the key of one render: declared parameters by name (absent ones marked as such), which slots were given, unmatched attributes, and (private only) query values.</summary>
    public void AddKey(ref CacheKeyBuilder key, Dictionary<string, object?> parameters, string? uri)
    {
        foreach (var name in _parameters)
        {
            if (parameters.TryGetValue(name, out var value))
            {
                key.Add(value);
            }
            else
            {
                key.AddPassThrough(); // absent: the component keeps its default value
            }
        }

        foreach (var name in _holes)
        {
            key.Add(parameters.TryGetValue(name, out var slot) && slot is not null);
        }

        if (_captureUnmatched is not null)
        {
            SortedDictionary<string, object?>? unmatched = null;
            foreach (var (name, value) in parameters)
            {
                if (!_declared.Contains(name))
                {
                    (unmatched ??= new SortedDictionary<string, object?>(StringComparer.Ordinal))[name] = value;
                }
            }

            if (parameters.TryGetValue(_captureUnmatched, out var explicitValue) && explicitValue is IEnumerable<KeyValuePair<string, object>> given)
            {
                foreach (var (name, value) in given)
                {
                    (unmatched ??= new SortedDictionary<string, object?>(StringComparer.Ordinal))[name] = value;
                }
            }

            key.Add(unmatched);
        }

        if (_query.Length > 0)
        {
            var values = uri is null ? [] : QueryHelpers.ParseQuery(new Uri(uri).Query);
            foreach (var (_, queryName) in _query)
            {
                key.Add(values.TryGetValue(queryName, out var v) ? v.ToString() : null);
            }
        }
    }
}
