using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>
/// The rules of <c>[UseServer]</c> interfaces (STRATA055-059), shared by the analyzer (which reports) and the generator
/// (which writes a proxy and the server's registrations only for an interface that keeps them all): every member is an
/// async instance method whose parameters and result cross as JSON (<see cref="ServerRules.WireProblem"/>, the rule of
/// every server function), and the action id of a method is derived from names both builds share.
/// </summary>
internal static class ProxyRules
{
    /// <summary>
    /// Every rule the interface breaks. <paramref name="requireProxy"/>: the interface is compiled here, so this project must
    /// be able to hold its proxy (it references Strata.Client).
    /// </summary>
    public static IEnumerable<Finding> Check(INamedTypeSymbol type, StrataSymbols s, bool requireProxy)
    {
        var location = type.Locations.FirstOrDefault();
        if (requireProxy && s.ServerProxies is null)
        {
            yield return new Finding(Descriptors.ProxyMember, location, new object?[] { type.Name, "cannot get its proxy: this project does not reference Strata.Client" });
        }

        if (type.IsGenericType)
        {
            yield return new Finding(Descriptors.ProxyGeneric, location, new object?[] { type.Name, "is generic" });
        }

        if (type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal) || type.ContainingType is not null)
        {
            yield return new Finding(Descriptors.ProxyMember, location, new object?[] { type.Name, "is nested or not public or internal, so the generated proxy cannot implement it; declare it at namespace level" });
        }

        foreach (var inherited in type.Interfaces)
        {
            yield return new Finding(Descriptors.ProxyMember, location, new object?[] { type.Name, $"inherits {inherited.Name}, whose members are not server functions" });
        }

        foreach (var member in type.GetMembers())
        {
            switch (member)
            {
                case IMethodSymbol { MethodKind: MethodKind.Ordinary } method when !method.IsStatic && method.IsAbstract:
                    foreach (var finding in CheckMethod(method, s))
                    {
                        yield return finding;
                    }

                    break;
                case IMethodSymbol { MethodKind: not MethodKind.Ordinary }:
                    break; // accessors: reported with their property or event
                case INamedTypeSymbol:
                    break; // a nested type is no member the proxy implements
                default:
                    yield return new Finding(Descriptors.ProxyMember, member.Locations.FirstOrDefault() ?? location, new object?[]
                    {
                        $"{type.Name}.{member.Name}",
                        member is IMethodSymbol ? "is static or has a body" : $"is a {member.Kind.ToString().ToLowerInvariant()}",
                    });
                    break;
            }
        }
    }

    /// <summary>Whether the generator can write the proxy and the server's registrations (the interface breaks no rule).</summary>
    public static bool CanProxy(INamedTypeSymbol type, StrataSymbols s) => !Check(type, s, requireProxy: false).Any();

    /// <summary>The server functions of a [UseServer] interface, in declaration order.</summary>
    public static IEnumerable<IMethodSymbol> MethodsOf(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary);

    /// <summary>
    /// The action id of an interface method: the first 20 bytes, in hex, of SHA-256 over the interface's assembly name and
    /// the method's stable name. Unlike other server functions' ids (docs/decisions/0008), neither the module version id
    /// (the browser's build is trimmed and rewritten) nor the id salt (the browser does not know it) enter it: the id is
    /// public, as it is in Next.js's client bundles, and only ids of registered methods can be called.
    /// </summary>
    public static string IdOf(IMethodSymbol method)
    {
        var input = Encoding.UTF8.GetBytes("Strata.UseServer.Interface\0" + method.ContainingAssembly.Name + "\0" + ServerModelBuilder.StableName(method));
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(input);
        var builder = new StringBuilder(40);
        for (var i = 0; i < 20; i++)
        {
            builder.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static IEnumerable<Finding> CheckMethod(IMethodSymbol method, StrataSymbols s)
    {
        var location = method.Locations.FirstOrDefault();
        var name = $"{method.ContainingType.Name}.{method.Name}";
        if (!ServerRules.IsAsync(method, s, out var result, out _))
        {
            yield return new Finding(Descriptors.ProxyNotAsync, location, new object?[] { name, method.ReturnType.ToDisplayString(CacheRules.NameFormat) });
        }

        if (method.IsGenericMethod)
        {
            yield return new Finding(Descriptors.ProxyGeneric, location, new object?[] { name, "has type parameters" });
            yield break; // its types are the type parameters: one error says it
        }

        foreach (var parameter in method.Parameters)
        {
            var at = parameter.Locations.FirstOrDefault() ?? location;
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                yield return new Finding(Descriptors.ProxyRefParameter, at, new object?[] { name, parameter.Name });
            }
            else if (!StrataSymbols.Is(parameter.Type, s.CancellationToken) && ServerRules.WireProblem(parameter.Type, s) is { } reason)
            {
                yield return new Finding(Descriptors.ProxyWireType, at, new object?[] { name, "parameter '" + parameter.Name + "'", parameter.Type.ToDisplayString(CacheRules.NameFormat), reason });
            }
        }

        if (result is not null && ServerRules.WireProblem(result, s) is { } resultReason)
        {
            yield return new Finding(Descriptors.ProxyWireType, CacheRules.ResultTypeLocation(method) ?? location, new object?[] { name, "result", result.ToDisplayString(CacheRules.NameFormat), resultReason });
        }
    }
}
