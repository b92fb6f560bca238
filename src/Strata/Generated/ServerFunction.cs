using System.Reflection;

namespace Strata.Generated;

/// <summary>
/// Runs a server function: reads its arguments from <paramref name="arguments"/> (all of them before it runs), resolves
/// the class of an instance method from <paramref name="services"/>, calls the method and returns its result
/// (<see langword="null"/> for a <c>Task</c> or <c>ValueTask</c>). Written by the source generator; no reflection.
/// </summary>
/// <param name="services">The request's services.</param>
/// <param name="arguments">The arguments.</param>
/// <param name="cancellationToken">The request's cancellation token.</param>
/// <returns>The result.</returns>
public delegate ValueTask<object?> ServerFunctionInvoker(IServiceProvider services, ServerArguments arguments, CancellationToken cancellationToken);

/// <summary>
/// A <c>[UseServer]</c> method as the source generator registered it: its stable name (never sent to the browser), its
/// parameters and result, and a typed invoker. The web layer gives each one an unguessable action id.
/// </summary>
public sealed class ServerFunction
{
    private MethodInfo? _method;

    /// <summary>Describes a server function (called by generated code).</summary>
    /// <param name="declaringType">The class that declares the method.</param>
    /// <param name="methodName">The method's name.</param>
    /// <param name="name">The stable name: namespace-qualified type, method and parameter types, e.g. <c>Shop.Users.Create(string,int)</c>.</param>
    /// <param name="isStatic">Whether the method is static (otherwise the class is resolved from the request's services).</param>
    /// <param name="parameters">The parameters, in order.</param>
    /// <param name="resultType">The result type, or <see langword="null"/> for <c>Task</c> / <c>ValueTask</c>.</param>
    /// <param name="invoker">Runs the method.</param>
    public ServerFunction(Type declaringType, string methodName, string name, bool isStatic, IReadOnlyList<ServerParameter> parameters, Type? resultType, ServerFunctionInvoker invoker)
    {
        ArgumentNullException.ThrowIfNull(declaringType);
        ArgumentNullException.ThrowIfNull(methodName);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(invoker);
        DeclaringType = declaringType;
        MethodName = methodName;
        Name = name;
        IsStatic = isStatic;
        Parameters = parameters;
        ResultType = resultType;
        Invoker = invoker;
    }

    /// <summary>The class that declares the method.</summary>
    public Type DeclaringType { get; }

    /// <summary>The method's name.</summary>
    public string MethodName { get; }

    /// <summary>The stable name (type, method, parameter types). Used in logs and to derive the action id; never sent to the browser.</summary>
    public string Name { get; }

    /// <summary>Whether the method is static.</summary>
    public bool IsStatic { get; }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<ServerParameter> Parameters { get; }

    /// <summary>The result type, or <see langword="null"/> when the method returns <c>Task</c> or <c>ValueTask</c>.</summary>
    public Type? ResultType { get; }

    /// <summary>Runs the method.</summary>
    public ServerFunctionInvoker Invoker { get; }

    /// <summary>
    /// The <c>[UseServer]</c> interface whose method this is, or <see langword="null"/>. The declaring type is then the
    /// class that implements the interface (its <c>[Authorize]</c> applies), the invoker calls the interface resolved from
    /// the request's services, and the action id is <see cref="ContractId"/>.
    /// </summary>
    public Type? Contract { get; init; }

    /// <summary>
    /// The action id of a <see cref="Contract"/> method, fixed by the source generator from the interface's assembly name,
    /// full name and the method's signature, so that the browser's proxy (compiled into the same interface's assembly,
    /// which the WebAssembly build may trim and rewrite) knows it; <see langword="null"/> for other server functions, whose
    /// id the web layer derives from the module version id.
    /// </summary>
    public string? ContractId { get; init; }

    /// <summary>The method (found once, for its attributes such as <c>[Authorize]</c>).</summary>
    public MethodInfo Method => _method ??= DeclaringType.GetMethod(
        MethodName,
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly, // NonPublic: an explicit interface implementation
        Parameters.Select(p => p.Type).ToArray())
        ?? throw new InvalidOperationException($"The server function {Name} has no matching method on {DeclaringType}.");
}
