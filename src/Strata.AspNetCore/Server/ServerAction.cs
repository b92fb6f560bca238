using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Server;
using Strata.Client;

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

/// <summary>
/// A server function with its captured values, before it is written into a page (see <see cref="ServerAction"/>). It
/// converts to a client component's <see cref="ServerFunction{T1, TResult}"/> parameter (and its siblings): the page then
/// carries its id and protected captured values, and the component calls it from the browser (docs/use-client.md).
/// </summary>
public sealed class ServerActionReference : ServerFunctionSource
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
        var slots = Slots(function).Select(i => function.Parameters[i]).ToArray();
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

    /// <inheritdoc />
    protected override void CheckShape(IReadOnlyList<Type> parameterTypes, Type resultType)
    {
        ArgumentNullException.ThrowIfNull(parameterTypes);
        ArgumentNullException.ThrowIfNull(resultType);
        var method = Function.Method;
        var parameters = method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).Skip(Captured.Count).Select(p => p.ParameterType).ToArray();
        var returns = method.ReturnType.IsGenericType && (method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) || method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? method.ReturnType.GetGenericArguments()[0]
            : typeof(object);
        if (!parameters.SequenceEqual(parameterTypes) || !resultType.IsAssignableFrom(returns))
        {
            static string Names(IEnumerable<Type> types) => string.Join(", ", types.Select(t => t.Name));
            throw new ArgumentException(
                $"{method.DeclaringType?.Name}.{method.Name} (after {Captured.Count} captured value(s)) takes ({Names(parameters)}) and returns {returns.Name}, but the parameter expects a server function that takes ({Names(parameterTypes)}) and returns {resultType.Name}. A function that returns Task or ValueTask returns object (null).",
                nameof(parameterTypes));
        }
    }

    /// <inheritdoc />
    protected override (string Id, string? Captured) Resolve()
    {
        var token = Resolve(CurrentServices());
        return (token.Id, token.Captured);
    }

    /// <inheritdoc />
    protected override async Task<object?> InvokeAsync(object?[] arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var services = CurrentServices();
        var table = services.GetRequiredService<ServerActionHandler>().Table;
        var function = table.FunctionOf(table.IdOf(Function));
        var values = new object?[function.Parameters.Count];
        var slots = Slots(function);
        var given = Captured.Concat(arguments).ToArray();
        for (var i = 0; i < given.Length && i < slots.Length; i++)
        {
            values[slots[i]] = given[i];
        }

        return await function.Invoker(services, new ValueArguments(values), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The positions of the parameters a caller fills (captured values, then arguments): all but the CancellationToken.</summary>
    private static int[] Slots(ServerFunction function) =>
        Enumerable.Range(0, function.Parameters.Count).Where(i => function.Parameters[i].Source != ServerParameterSource.CancellationToken).ToArray();

    /// <summary>The services of the request being rendered: a reference is written into a page, or called, while the server renders it.</summary>
    private static IServiceProvider CurrentServices() =>
        new HttpContextAccessor().HttpContext?.RequestServices ?? throw new InvalidOperationException(
            "A server function passed to a client component can only be written into a page, or called on the server, while a request is rendered.");

    /// <summary>The arguments of a call made on the server: the values themselves, already of the parameters' types.</summary>
    private sealed class ValueArguments(object?[] values) : ServerArguments
    {
        public override T Get<T>(int index) => (T)values[index]!;
    }
}

/// <summary>What the browser holds of a server function reference.</summary>
/// <param name="Id">The action id.</param>
/// <param name="Captured">The protected captured values, or <see langword="null"/>.</param>
public sealed record ServerActionToken(string Id, string? Captured);
