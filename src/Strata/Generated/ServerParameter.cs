namespace Strata.Generated;

/// <summary>Where a server function's parameter gets its value from.</summary>
public enum ServerParameterSource
{
    /// <summary>A value sent by the caller: an element of the JSON argument array, a form field of the same name, or a captured (bound) value.</summary>
    Value,

    /// <summary>The posted form (<see cref="FormData"/>); in a fetch call, a JSON object of field names to strings.</summary>
    Form,

    /// <summary>The request's <see cref="CancellationToken"/> (aborted when the client disconnects); never sent by the caller.</summary>
    CancellationToken,
}

/// <summary>A parameter of a server function, as the source generator describes it.</summary>
public sealed class ServerParameter
{
    /// <summary>Describes a parameter.</summary>
    /// <param name="name">The parameter's name (without <c>@</c>).</param>
    /// <param name="type">Its type (without nullable reference annotations).</param>
    /// <param name="source">Where its value comes from.</param>
    /// <param name="allowsNull">Whether <see langword="null"/> is a valid value (a nullable type or annotation).</param>
    public ServerParameter(string name, Type type, ServerParameterSource source, bool allowsNull)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(type);
        Name = name;
        Type = type;
        Source = source;
        AllowsNull = allowsNull;
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>The parameter's type.</summary>
    public Type Type { get; }

    /// <summary>Where its value comes from.</summary>
    public ServerParameterSource Source { get; }

    /// <summary>Whether <see langword="null"/> is a valid value.</summary>
    public bool AllowsNull { get; }
}
