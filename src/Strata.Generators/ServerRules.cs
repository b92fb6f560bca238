using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>
/// The rules of <c>[UseServer]</c>, shared by the generator (which registers only the methods that keep them) and the
/// analyzer (which reports the others): public async methods, static or of a class the request's services can resolve,
/// whose parameters and result can cross the wire as JSON.
/// </summary>
internal static class ServerRules
{
    /// <summary>The server functions of a class: every public ordinary method when the class has [UseServer], else the methods that have it.</summary>
    public static IEnumerable<IMethodSymbol> MethodsOf(INamedTypeSymbol type, StrataSymbols s)
    {
        var classLevel = s.UseServerOf(type) is not null;
        return type.GetMembers().OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary && !m.IsImplicitlyDeclared
            && (s.UseServerOf(m) is not null || (classLevel && m.DeclaredAccessibility == Accessibility.Public)));
    }

    /// <summary>Whether the method is a server function (has [UseServer], or is public in a [UseServer] class).</summary>
    public static bool IsServerFunction(IMethodSymbol method, StrataSymbols s) =>
        method.MethodKind == MethodKind.Ordinary && method.ContainingType?.TypeKind != TypeKind.Interface // interfaces: ProxyRules
        && (s.UseServerOf(method) is not null
            || (method.DeclaredAccessibility == Accessibility.Public && method.ContainingType is { } type && s.UseServerOf(type) is not null));

    /// <summary>Whether the method returns Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;; <paramref name="result"/> is T or null.</summary>
    public static bool IsAsync(IMethodSymbol method, StrataSymbols s, out ITypeSymbol? result, out bool isValueTask)
    {
        result = CacheRules.ResultType(method, s, out isValueTask);
        if (result is not null)
        {
            return true;
        }

        isValueTask = StrataSymbols.Is(method.ReturnType, s.ValueTask);
        return isValueTask || StrataSymbols.Is(method.ReturnType, s.Task);
    }

    /// <summary>Every rule the server function breaks.</summary>
    public static IEnumerable<Finding> Check(IMethodSymbol method, StrataSymbols s)
    {
        var location = method.Locations.FirstOrDefault();
        var name = $"{method.ContainingType.Name}.{method.Name}";
        if (!IsAsync(method, s, out var result, out _))
        {
            yield return new Finding(Descriptors.ServerNotAsync, location, new object?[] { name, method.ReturnType.ToDisplayString(CacheRules.NameFormat) });
        }

        if (!IsReachable(method))
        {
            yield return new Finding(Descriptors.ServerNotPublic, location, new object?[] { name });
        }

        if (method.IsGenericMethod || method.ContainingType.IsGenericType)
        {
            yield return new Finding(Descriptors.ServerNotResolvable, location, new object?[] { name, "is generic", "Make the method and its class non-generic." });
        }
        else if (!method.IsStatic && ClassProblem(method.ContainingType, s) is { } problem)
        {
            yield return new Finding(Descriptors.ServerNotResolvable, location, new object?[] { name, problem.Reason, problem.Fix });
        }

        foreach (var parameter in method.Parameters)
        {
            var at = parameter.Locations.FirstOrDefault() ?? location;
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                yield return new Finding(Descriptors.ServerWireType, at, new object?[] { name, "parameter '" + parameter.Name + "'", parameter.Type.ToDisplayString(CacheRules.NameFormat), "is a ref, out, in or params parameter; a caller can only send values" });
                continue;
            }

            if (StrataSymbols.Is(parameter.Type, s.CancellationToken) || StrataSymbols.Is(parameter.Type, s.FormData))
            {
                continue;
            }

            if (WireProblem(parameter.Type, s) is { } reason)
            {
                yield return new Finding(Descriptors.ServerWireType, at, new object?[] { name, "parameter '" + parameter.Name + "'", parameter.Type.ToDisplayString(CacheRules.NameFormat), reason });
            }
        }

        if (result is not null && WireProblem(result, s) is { } resultReason)
        {
            yield return new Finding(Descriptors.ServerWireType, CacheRules.ResultTypeLocation(method) ?? location, new object?[] { name, "result", result.ToDisplayString(CacheRules.NameFormat), resultReason });
        }
    }

    /// <summary>Whether the generator can register the method (it breaks no rule).</summary>
    public static bool CanRegister(IMethodSymbol method, StrataSymbols s) => !Check(method, s).Any();

    /// <summary>Why a value of this type cannot cross the wire as JSON, or null when it can.</summary>
    public static string? WireProblem(ITypeSymbol type, StrataSymbols s)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type.SpecialType == SpecialType.System_Object || type.TypeKind == TypeKind.Dynamic)
        {
            return "does not say what a caller may send; declare a data type (a record, a primitive, a collection of them)";
        }

        if (type is ITypeParameterSymbol)
        {
            return "is a type parameter";
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return "is a function; only data crosses between the browser and the server";
        }

        if (StrataSymbols.Is(type, s.CancellationToken) || StrataSymbols.Is(type, s.FormData) || KeyTypeRules.IsRenderFragment(type, s))
        {
            return "is not data a caller can send or receive";
        }

        if (type is INamedTypeSymbol { TypeKind: TypeKind.Interface or TypeKind.Class, IsAbstract: true } named
            && StrataSymbols.FindConstruction(named, s.CollectionOfT) is null && StrataSymbols.FindConstruction(named, s.ReadOnlyCollectionOfT) is null
            && !StrataSymbols.InheritsOrImplements(named, s.Enumerable))
        {
            return "is abstract, so no value can be made from what a caller sends; declare a concrete data type";
        }

        return KeyTypeRules.Check(type, "", s) is { } problem
            ? (problem.Path.Length == 0 ? problem.Reason : $"has {problem.Path.TrimStart('.')} of type {problem.Type.ToDisplayString(CacheRules.NameFormat)}, which {problem.Reason}")
            : null;
    }

    /// <summary>Whether the method and every containing type are public or internal (the generated registration can call it).</summary>
    private static bool IsReachable(IMethodSymbol method)
    {
        if (method.DeclaredAccessibility != Accessibility.Public)
        {
            return false;
        }

        for (var t = method.ContainingType; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            {
                return false;
            }
        }

        return true;
    }

    private static (string Reason, string Fix)? ClassProblem(INamedTypeSymbol type, StrataSymbols s)
    {
        if (type.IsStatic)
        {
            return null;
        }

        if (type.TypeKind != TypeKind.Class)
        {
            return ($"is declared in {type.TypeKind.ToString().ToLowerInvariant()} {type.Name}, which dependency injection does not resolve per call", "Move it to a class registered for dependency injection, or make it static.");
        }

        if (type.IsAbstract)
        {
            return ($"is declared in the abstract class {type.Name}", "Make the method static, or declare it in a concrete class registered for dependency injection.");
        }

        if (s.IsComponent(type))
        {
            return ($"is an instance method of the Razor component {type.Name}; a component instance lives for one render and is not resolved from dependency injection (Next.js: \"It is not allowed to define inline \\\"use server\\\" annotated class instance methods.\")", "Make it static and pass what it needs as arguments (ServerAction.Bind captures values such as the product id), or move it to a registered service.");
        }

        return null;
    }
}
