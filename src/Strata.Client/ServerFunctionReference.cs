using System.Text.Json.Serialization;

namespace Strata.Client;

/// <summary>
/// A server function as a client component's parameter (Next.js: a <c>'use server'</c> function passed as a prop). On the
/// server it is made from <c>ServerAction.Of(...)</c> or <c>ServerAction.Bind(...)</c> and, when the page is written,
/// carries only the function's action id and its protected captured values, never the delegate; in the browser calling it
/// POSTs the arguments to the server function (the <c>Strata-Action</c> protocol) and returns its result, throws
/// <see cref="ServerFunctionException"/> for its error, and applies a redirect or a revalidation (the router cache drops
/// what was revalidated and the page is rendered again). A component rendered on the server calls the function directly.
/// </summary>
public abstract class ServerFunctionReference
{
    private readonly ServerFunctionSource? _source;
    private (string Id, string? Captured)? _token;

    private protected ServerFunctionReference(ServerFunctionSource source, Type[] parameterTypes, Type resultType)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.CheckShape(parameterTypes, resultType);
        _source = source;
    }

    private protected ServerFunctionReference(string id, string? captured)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        _token = (id, captured);
    }

    /// <summary>The action id (what the page carries).</summary>
    public string Id => Token.Id;

    /// <summary>The protected captured values (what the page carries), or <see langword="null"/> when nothing is captured.</summary>
    public string? Captured => Token.Captured;

    private (string Id, string? Captured) Token => _token ??= _source!.Resolve();

    private protected async Task<TResult> CallAsync<TResult>(object?[] arguments, CancellationToken cancellationToken)
    {
        if (_source is not null)
        {
            return (TResult)(await _source.InvokeAsync(arguments, cancellationToken).ConfigureAwait(false))!;
        }

        return await ServerCalls.FromBrowserAsync<TResult>(Id, Captured, arguments, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A server function that takes no argument (after its captured values) and returns <typeparamref name="TResult"/>.</summary>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class ServerFunction<TResult> : ServerFunctionReference
{
    /// <summary>The reference the browser receives (called by the JSON deserializer).</summary>
    /// <param name="id">The action id.</param>
    /// <param name="captured">The protected captured values.</param>
    [JsonConstructor]
    public ServerFunction(string id, string? captured)
        : base(id, captured)
    {
    }

    private ServerFunction(ServerFunctionSource source)
        : base(source, [], typeof(TResult))
    {
    }

    /// <summary>A typed reference to a server function: <c>ServerAction.Of(Users.FetchUsers)</c> passed as a parameter.</summary>
    /// <param name="source">The server function.</param>
    /// <exception cref="ArgumentException">The function does not take these arguments or return this result.</exception>
    public static implicit operator ServerFunction<TResult>(ServerFunctionSource source) => new(source);

    /// <summary>Calls the server function.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="ServerFunctionException">The server function failed or refused the call.</exception>
    public Task<TResult> InvokeAsync(CancellationToken cancellationToken = default) => CallAsync<TResult>([], cancellationToken);
}

/// <summary>A server function that takes one argument (after its captured values) and returns <typeparamref name="TResult"/>.</summary>
/// <typeparam name="T1">The argument's type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class ServerFunction<T1, TResult> : ServerFunctionReference
{
    /// <summary>The reference the browser receives (called by the JSON deserializer).</summary>
    /// <param name="id">The action id.</param>
    /// <param name="captured">The protected captured values.</param>
    [JsonConstructor]
    public ServerFunction(string id, string? captured)
        : base(id, captured)
    {
    }

    private ServerFunction(ServerFunctionSource source)
        : base(source, [typeof(T1)], typeof(TResult))
    {
    }

    /// <summary>A typed reference to a server function: <c>ServerAction.Bind(Posts.Update, post.Id)</c> passed as a parameter.</summary>
    /// <param name="source">The server function.</param>
    /// <exception cref="ArgumentException">The function does not take these arguments or return this result.</exception>
    public static implicit operator ServerFunction<T1, TResult>(ServerFunctionSource source) => new(source);

    /// <summary>Calls the server function.</summary>
    /// <param name="argument1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="ServerFunctionException">The server function failed or refused the call.</exception>
    public Task<TResult> InvokeAsync(T1 argument1, CancellationToken cancellationToken = default) => CallAsync<TResult>([argument1], cancellationToken);
}

/// <summary>A server function that takes two arguments (after its captured values) and returns <typeparamref name="TResult"/>.</summary>
/// <typeparam name="T1">The first argument's type.</typeparam>
/// <typeparam name="T2">The second argument's type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class ServerFunction<T1, T2, TResult> : ServerFunctionReference
{
    /// <summary>The reference the browser receives (called by the JSON deserializer).</summary>
    /// <param name="id">The action id.</param>
    /// <param name="captured">The protected captured values.</param>
    [JsonConstructor]
    public ServerFunction(string id, string? captured)
        : base(id, captured)
    {
    }

    private ServerFunction(ServerFunctionSource source)
        : base(source, [typeof(T1), typeof(T2)], typeof(TResult))
    {
    }

    /// <summary>A typed reference to a server function passed as a parameter.</summary>
    /// <param name="source">The server function.</param>
    /// <exception cref="ArgumentException">The function does not take these arguments or return this result.</exception>
    public static implicit operator ServerFunction<T1, T2, TResult>(ServerFunctionSource source) => new(source);

    /// <summary>Calls the server function.</summary>
    /// <param name="argument1">The first argument.</param>
    /// <param name="argument2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="ServerFunctionException">The server function failed or refused the call.</exception>
    public Task<TResult> InvokeAsync(T1 argument1, T2 argument2, CancellationToken cancellationToken = default) => CallAsync<TResult>([argument1, argument2], cancellationToken);
}

/// <summary>A server function that takes three arguments (after its captured values) and returns <typeparamref name="TResult"/>.</summary>
/// <typeparam name="T1">The first argument's type.</typeparam>
/// <typeparam name="T2">The second argument's type.</typeparam>
/// <typeparam name="T3">The third argument's type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class ServerFunction<T1, T2, T3, TResult> : ServerFunctionReference
{
    /// <summary>The reference the browser receives (called by the JSON deserializer).</summary>
    /// <param name="id">The action id.</param>
    /// <param name="captured">The protected captured values.</param>
    [JsonConstructor]
    public ServerFunction(string id, string? captured)
        : base(id, captured)
    {
    }

    private ServerFunction(ServerFunctionSource source)
        : base(source, [typeof(T1), typeof(T2), typeof(T3)], typeof(TResult))
    {
    }

    /// <summary>A typed reference to a server function passed as a parameter.</summary>
    /// <param name="source">The server function.</param>
    /// <exception cref="ArgumentException">The function does not take these arguments or return this result.</exception>
    public static implicit operator ServerFunction<T1, T2, T3, TResult>(ServerFunctionSource source) => new(source);

    /// <summary>Calls the server function.</summary>
    /// <param name="argument1">The first argument.</param>
    /// <param name="argument2">The second argument.</param>
    /// <param name="argument3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="ServerFunctionException">The server function failed or refused the call.</exception>
    public Task<TResult> InvokeAsync(T1 argument1, T2 argument2, T3 argument3, CancellationToken cancellationToken = default) =>
        CallAsync<TResult>([argument1, argument2, argument3], cancellationToken);
}

/// <summary>
/// A server function that takes four arguments (after its captured values) and returns <typeparamref name="TResult"/>. For
/// more, take a record: one argument that carries the values.
/// </summary>
/// <typeparam name="T1">The first argument's type.</typeparam>
/// <typeparam name="T2">The second argument's type.</typeparam>
/// <typeparam name="T3">The third argument's type.</typeparam>
/// <typeparam name="T4">The fourth argument's type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class ServerFunction<T1, T2, T3, T4, TResult> : ServerFunctionReference
{
    /// <summary>The reference the browser receives (called by the JSON deserializer).</summary>
    /// <param name="id">The action id.</param>
    /// <param name="captured">The protected captured values.</param>
    [JsonConstructor]
    public ServerFunction(string id, string? captured)
        : base(id, captured)
    {
    }

    private ServerFunction(ServerFunctionSource source)
        : base(source, [typeof(T1), typeof(T2), typeof(T3), typeof(T4)], typeof(TResult))
    {
    }

    /// <summary>A typed reference to a server function passed as a parameter.</summary>
    /// <param name="source">The server function.</param>
    /// <exception cref="ArgumentException">The function does not take these arguments or return this result.</exception>
    public static implicit operator ServerFunction<T1, T2, T3, T4, TResult>(ServerFunctionSource source) => new(source);

    /// <summary>Calls the server function.</summary>
    /// <param name="argument1">The first argument.</param>
    /// <param name="argument2">The second argument.</param>
    /// <param name="argument3">The third argument.</param>
    /// <param name="argument4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="ServerFunctionException">The server function failed or refused the call.</exception>
    public Task<TResult> InvokeAsync(T1 argument1, T2 argument2, T3 argument3, T4 argument4, CancellationToken cancellationToken = default) =>
        CallAsync<TResult>([argument1, argument2, argument3, argument4], cancellationToken);
}
