using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Server;

namespace Strata.AspNetCore;

/// <summary>
/// References to server functions for forms and scripts: <c>ServerAction.Of(Users.Create)</c>, or with captured values
/// <c>ServerAction.Bind(Products.Update, product.Id)</c> (Next.js's <c>updatePost.bind(null, id)</c>). Captured values fill
/// the function's leading parameters; they travel to the browser encrypted and authenticated with ASP.NET Core Data
/// Protection, bound to the function and with an expiry, so the browser can neither read nor change them.
/// </summary>
public static class ServerAction
{
    /// <summary>A reference to a server function without captured values.</summary>
    /// <param name="function">A <c>[UseServer]</c> method (a method group).</param>
    /// <returns>The reference.</returns>
    public static ServerActionReference Of(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new ServerActionReference(function, []);
    }

    /// <summary>A reference to a server function whose leading parameters take <paramref name="captured"/>.</summary>
    /// <param name="function">A <c>[UseServer]</c> method (a method group).</param>
    /// <param name="captured">The values of its first parameters, in order.</param>
    /// <returns>The reference.</returns>
    public static ServerActionReference Bind(Delegate function, params object?[] captured)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(captured);
        return new ServerActionReference(function, captured);
    }
}

/// <summary>A server function with its captured values, before it is written into a page (see <see cref="ServerAction"/>).</summary>
public sealed class ServerActionReference
{
    internal ServerActionReference(Delegate function, object?[] captured)
    {
        Function = function;
        Captured = captured;
    }

    /// <summary>The server function.</summary>
    public Delegate Function { get; }

    /// <summary>The captured values.</summary>
    public IReadOnlyList<object?> Captured { get; }

    /// <summary>
    /// The action id and the protected captured values, as a form or a script sends them: the id in the
    /// <c>Strata-Action</c> header (or the <c>__strata_action</c> field), the captured values in <c>Strata-Action-Captured</c>
    /// (or <c>__strata_captured</c>).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The id and the protected values (<see langword="null"/> when nothing is captured).</returns>
    /// <exception cref="ArgumentException">The delegate is not a server function, or a captured value does not fit its parameter.</exception>
    public ServerActionToken Resolve(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var handler = services.GetRequiredService<ServerActionHandler>();
        var id = handler.Table.IdOf(Function);
        if (Captured.Count == 0)
        {
            return new ServerActionToken(id, null);
        }

        var function = handler.Table.FunctionOf(id);
        var slots = function.Parameters.Where(p => p.Source != ServerParameterSource.CancellationToken).ToArray();
        if (Captured.Count > slots.Length)
        {
            throw new ArgumentException($"{function.MethodName} takes {slots.Length} argument(s), but {Captured.Count} values were captured.", nameof(services));
        }

        for (var i = 0; i < Captured.Count; i++)
        {
            var parameter = slots[i];
            var value = Captured[i];
            if (parameter.Source != ServerParameterSource.Value || (value is null ? !parameter.AllowsNull : !parameter.Type.IsInstanceOfType(value)))
            {
                throw new ArgumentException($"The captured value #{i + 1} ({value?.GetType().Name ?? "null"}) does not fit parameter '{parameter.Name}' ({parameter.Type.Name}) of {function.MethodName}.", nameof(services));
            }
        }

        return new ServerActionToken(id, handler.Captured.Protect(id, Captured, slots.Take(Captured.Count).Select(p => p.Type).ToArray()));
    }
}

/// <summary>What the browser holds of a server function reference.</summary>
/// <param name="Id">The action id.</param>
/// <param name="Captured">The protected captured values, or <see langword="null"/>.</param>
public sealed record ServerActionToken(string Id, string? Captured);
