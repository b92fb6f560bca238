using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Strata.Generated;

namespace Strata.AspNetCore.Server;

/// <summary>
/// The server functions of the application by action id, made once from what the generator registered. An action id is
/// the first 20 bytes, in hex, of SHA-256 over the declaring assembly's module version id, the optional
/// <see cref="ServerFunctionOptions.IdSalt"/> and the function's stable name: the same for every instance of one build,
/// different for every build, and not the name. Only these ids can be called.
/// </summary>
internal sealed class ServerFunctionTable
{
    private readonly FrozenDictionary<string, ServerFunction> _byId;
    private readonly FrozenDictionary<MethodInfo, string> _idByMethod;
    private readonly Dictionary<ServerFunction, string> _idByFunction;
    private readonly ConcurrentDictionary<ServerFunction, Task<AuthorizationPolicy?>> _policies = new();
    private readonly IServiceProvider _services;

    public ServerFunctionTable(IServiceProvider services, IOptions<ServerFunctionOptions> options)
    {
        _services = services;
        ServerFunctions.EnsureRegistered();
        var salt = options.Value.IdSalt;
        _idByFunction = ServerFunctions.All.ToDictionary(f => f, f => IdOf(f, salt));
        if (_idByFunction.GroupBy(p => p.Value, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            var functions = twice.Select(p => p.Key).ToArray();
            throw new InvalidOperationException(
                $"The [UseServer] interface {functions[0].Contract} is implemented by more than one class ({string.Join(", ", functions.Select(f => f.DeclaringType.FullName).Distinct())}); the browser's proxy calls {functions[0].Contract?.Name}.{functions[0].MethodName} by one action id, which must lead to one implementation. Keep one class that implements the interface.");
        }

        _byId = _idByFunction.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        // A method of a [UseServer] class that also implements a [UseServer] interface has two ids; ServerAction.Of(method) takes the class's.
        _idByMethod = _idByFunction.OrderBy(p => p.Key.Contract is null ? 0 : 1).DistinctBy(p => p.Key.Method).ToFrozenDictionary(p => p.Key.Method, p => p.Value);
    }

    public bool TryGet(string id, out ServerFunction function) => _byId.TryGetValue(id, out function!);

    /// <summary>The action id of a registered function.</summary>
    public string IdOf(ServerFunction function) => _idByFunction[function];

    /// <summary>The action id of the method behind <paramref name="function"/>; throws when it is not a server function.</summary>
    public string IdOf(Delegate function) =>
        _idByMethod.TryGetValue(function.Method, out var id) ? id : throw new ArgumentException(
            $"{function.Method.DeclaringType?.Name}.{function.Method.Name} is not a server function. Mark it [UseServer] (a public async method, static or of a registered class); lambdas and methods of Razor components cannot be server functions because the source generator does not see them.",
            nameof(function));

    public ServerFunction FunctionOf(string id) => _byId[id];

    /// <summary>The authorization policy of a function ([Authorize] on the method or its class; [AllowAnonymous] on the method clears it), or null.</summary>
    public Task<AuthorizationPolicy?> PolicyOf(ServerFunction function) => _policies.GetOrAdd(function, BuildPolicy);

    private async Task<AuthorizationPolicy?> BuildPolicy(ServerFunction function)
    {
        var method = function.Method;
        if (method.GetCustomAttributes(inherit: true).OfType<IAllowAnonymous>().Any())
        {
            return null;
        }

        var data = function.DeclaringType.GetCustomAttributes(inherit: true).OfType<IAuthorizeData>()
            .Concat(method.GetCustomAttributes(inherit: true).OfType<IAuthorizeData>())
            .ToArray();
        if (data.Length == 0)
        {
            return null;
        }

        var provider = _services.GetService<IAuthorizationPolicyProvider>() ?? throw new InvalidOperationException(
            $"The server function {function.Name} has [Authorize], but authorization is not set up. Call builder.Services.AddAuthorization() (and add authentication).");
        return await AuthorizationPolicy.CombineAsync(provider, data).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers, for every <c>[UseServer]</c> interface the generator found implemented, that class as the interface's
    /// scoped service, unless the application registered one first: a component that injects the interface on the server
    /// (while prerendering, or in a circuit) calls it directly, and a call from the browser resolves it in the request.
    /// </summary>
    public static void AddContractImplementations(IServiceCollection services)
    {
        ServerFunctions.EnsureRegistered();
        foreach (var function in ServerFunctions.All.Where(f => f.Contract is not null).DistinctBy(f => (f.Contract, f.DeclaringType)))
        {
            services.TryAdd(ServiceDescriptor.Scoped(function.Contract!, function.DeclaringType));
        }
    }

    private static string IdOf(ServerFunction function, string? salt)
    {
        if (function.ContractId is { } fixedId)
        {
            return fixedId; // known to the browser's proxy: neither the salt nor the module version id can enter it
        }

        var mvid = function.DeclaringType.Module.ModuleVersionId.ToByteArray();
        var name = Encoding.UTF8.GetBytes("\0" + (salt ?? "") + "\0" + function.Name);
        var input = new byte[mvid.Length + name.Length];
        mvid.CopyTo(input, 0);
        name.CopyTo(input, mvid.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input).AsSpan(0, 20));
    }
}
