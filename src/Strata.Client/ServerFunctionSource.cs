namespace Strata.Client;

/// <summary>
/// A server function on the server side of the boundary, before it is written into a page: the server's web layer
/// implements it (Strata.AspNetCore's <c>ServerAction.Of</c> and <c>ServerAction.Bind</c> return one), and a
/// <see cref="ServerFunction{TResult}"/> made from it writes only the function's id and its protected captured values.
/// Application code does not derive from it.
/// </summary>
public abstract class ServerFunctionSource
{
    /// <summary>Checks that the function takes <paramref name="parameterTypes"/> (after its captured values) and returns <paramref name="resultType"/>.</summary>
    /// <param name="parameterTypes">The parameter types of the typed reference.</param>
    /// <param name="resultType">The result type of the typed reference.</param>
    /// <exception cref="ArgumentException">The function does not have that shape; the message names the difference.</exception>
    protected internal abstract void CheckShape(IReadOnlyList<Type> parameterTypes, Type resultType);

    /// <summary>The action id and the protected captured values, as the browser receives them.</summary>
    /// <returns>The id and the protected values (<see langword="null"/> when nothing is captured).</returns>
    protected internal abstract (string Id, string? Captured) Resolve();

    /// <summary>Calls the function on the server (a client component rendered on the server calls it directly).</summary>
    /// <param name="arguments">The arguments after the captured values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result (<see langword="null"/> for a function that returns no value).</returns>
    protected internal abstract Task<object?> InvokeAsync(object?[] arguments, CancellationToken cancellationToken);
}
