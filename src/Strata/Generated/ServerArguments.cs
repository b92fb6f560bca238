namespace Strata.Generated;

/// <summary>
/// The arguments of one server function call, read by the generated invoker one parameter at a time and before the
/// function runs: a value that cannot be read throws <see cref="ServerArgumentException"/>, so the function never runs with
/// invalid arguments. The web layer implements it over a JSON array, a posted form and captured (bound) values.
/// </summary>
public abstract class ServerArguments
{
    /// <summary>The value of the parameter at <paramref name="index"/> (its position among the function's parameters).</summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="index">The parameter's position.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ServerArgumentException">The value is missing, malformed or of the wrong type.</exception>
    public abstract T Get<T>(int index);
}
