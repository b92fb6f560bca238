using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Strata.Generators;

/// <summary>A method that is cached: by its own [UseCache], or as a public method of a [UseCache] class.</summary>
internal sealed record CachedMethod(IMethodSymbol Method, AttributeData Attribute, string Kind, bool FromClass);

/// <summary>A rule broken by a [UseCache] method or class, ready to be reported.</summary>
internal sealed record Finding(DiagnosticDescriptor Descriptor, Location? Location, object?[] Arguments, ImmutableDictionary<string, string?>? Properties = null)
{
    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location, Properties, Arguments);
}

/// <summary>The rules of [UseCache] methods and classes, shared by the analyzers (which report) and the generator (which skips).</summary>
internal static class CacheRules
{
    public const string DefaultKind = "default";
    public const string PrivateKind = "private";
    public const string RemoteKind = "remote";

    public static readonly SymbolDisplayFormat NameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary>The kind named by a [UseCache] attribute; null when it is not a constant.</summary>
    public static string? KindOf(AttributeData attribute) =>
        attribute.ConstructorArguments.Length == 0 ? DefaultKind : attribute.ConstructorArguments[0].Value as string;

    public static string Directive(string kind) => kind == DefaultKind ? "[UseCache]" : $"[UseCache(\"{kind}\")]";

    /// <summary>The kind of the <c>Cache.Function</c> call <paramref name="lambda"/> is passed to; null when it is not passed to one.</summary>
    public static string? FunctionKind(IAnonymousFunctionOperation lambda, StrataSymbols s) =>
        FunctionCall(lambda, s) is { } invocation
            ? invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "kind")?.Value.ConstantValue is { HasValue: true, Value: string name } ? name : DefaultKind
            : null;

    /// <summary>The <c>Cache.Function(...)</c> call <paramref name="function"/> (a lambda or method group) is the argument of, if any.</summary>
    public static IInvocationOperation? FunctionCall(IOperation function, StrataSymbols s)
    {
        var o = function.Parent;
        while (o is IDelegateCreationOperation or IConversionOperation)
        {
            o = o.Parent;
        }

        return o is IArgumentOperation { Parent: IInvocationOperation invocation } && IsFunction(invocation.TargetMethod, s) ? invocation : null;
    }

    /// <summary>Whether the method is one of the <c>Cache.Function</c> overloads.</summary>
    public static bool IsFunction(IMethodSymbol method, StrataSymbols s) =>
        method.Name == "Function" && SymbolEqualityComparer.Default.Equals(method.ContainingType, s.Cache);

    /// <summary>Whether <paramref name="method"/> is cached, and how.</summary>
    public static CachedMethod? For(IMethodSymbol method, StrataSymbols s)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.ContainingType is not { } type)
        {
            return null;
        }

        if (s.UseCacheOf(method) is { } own)
        {
            return new CachedMethod(method, own, KindOf(own) ?? DefaultKind, FromClass: false);
        }

        if (s.UseCacheOf(type) is { } classAttribute && IsCoveredByClass(method, type, s))
        {
            return new CachedMethod(method, classAttribute, KindOf(classAttribute) ?? DefaultKind, FromClass: true);
        }

        return null;
    }

    /// <summary>The cached methods declared in <paramref name="type"/>, in declaration order.</summary>
    public static IEnumerable<CachedMethod> MethodsOf(INamedTypeSymbol type, StrataSymbols s) =>
        type.GetMembers().OfType<IMethodSymbol>().Select(m => For(m, s)).Where(m => m is not null)!;

    /// <summary>Whether the type has [UseCache] members handled by the generator (a cached Razor component is handled at run time instead).</summary>
    public static bool HasGeneratedCaching(INamedTypeSymbol type, StrataSymbols s)
    {
        var classForm = s.UseCacheOf(type) is not null;
        if (classForm && s.IsComponent(type))
        {
            return type.GetMembers().OfType<IMethodSymbol>().Any(m => s.UseCacheOf(m) is not null);
        }

        return classForm || type.GetMembers().OfType<IMethodSymbol>().Any(m => s.UseCacheOf(m) is not null);
    }

    private static bool IsCoveredByClass(IMethodSymbol method, INamedTypeSymbol type, StrataSymbols s)
    {
        if (method.DeclaredAccessibility != Accessibility.Public || method.IsImplicitlyDeclared || s.IsComponent(type))
        {
            return false;
        }

        // Object's members and disposal are not functions of the data the class serves.
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (overridden.ContainingType.SpecialType == SpecialType.System_Object)
            {
                return false;
            }
        }

        if (method.Name is "Dispose" or "DisposeAsync" && method.Parameters.Length == 0)
        {
            return false;
        }

        return true;
    }

    /// <summary>The result type of a Task&lt;T&gt; or ValueTask&lt;T&gt; method; null for anything else.</summary>
    public static ITypeSymbol? ResultType(IMethodSymbol method, StrataSymbols s, out bool isValueTask)
    {
        isValueTask = false;
        if (method.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } named)
        {
            if (StrataSymbols.Is(named, s.TaskOfT))
            {
                return named.TypeArguments[0];
            }

            if (StrataSymbols.Is(named, s.ValueTaskOfT))
            {
                isValueTask = true;
                return named.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>Every rule a cached method breaks (not those of its class: see <see cref="CheckType"/>).</summary>
    public static IEnumerable<Finding> CheckMethod(CachedMethod cached, StrataSymbols s, bool includeWarnings)
    {
        var method = cached.Method;
        var name = method.ToDisplayString(NameFormat);
        var location = method.Locations.FirstOrDefault();
        var directive = cached.FromClass ? $"the public methods of a {Directive(cached.Kind)} class" : Directive(cached.Kind);
        if (method.IsStatic)
        {
            yield return new Finding(Descriptors.Static, location, new object?[] { name, cached.FromClass ? "the public methods of a [UseCache] class" : "[UseCache]" });
            yield break;
        }

        var result = ResultType(method, s, out _);
        if (result is null)
        {
            yield return new Finding(Descriptors.NotAsync, ReturnTypeLocation(method) ?? location,
                new object?[] { name, method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), cached.FromClass ? directive : "[UseCache]" });
        }

        if (method.IsGenericMethod)
        {
            yield return new Finding(Descriptors.Generic, location, new object?[] { name, "a generic method" });
        }

        if (!((method.IsVirtual || method.IsOverride || method.IsAbstract) && !method.IsSealed))
        {
            var hint = method.IsSealed ? " and remove 'sealed'" : "";
            yield return new Finding(Descriptors.NotVirtual, location, new object?[] { name, hint });
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                yield return new Finding(Descriptors.RefParameter, parameter.Locations.FirstOrDefault() ?? location,
                    new object?[] { parameter.Name, name, RefKindText(parameter.RefKind) });
                continue;
            }

            if (KeyTypeRules.Check(parameter.Type, parameter.Name, s) is { } problem)
            {
                yield return new Finding(Descriptors.KeyType, ParameterTypeLocation(parameter) ?? location,
                    new object?[] { parameter.Name, name, problem.Path == parameter.Name ? "it" : $"'{problem.Path}'", problem.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), problem.Reason });
            }
        }

        if (includeWarnings && result is not null && ImmutabilityRules.WhyMutable(result, s) is { } why && new CopyRules(s).WhyNotCopyable(result, storedAsBytes: false) is null)
        {
            yield return new Finding(Descriptors.MutableResult, ResultTypeLocation(method) ?? location,
                new object?[] { name, result.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), why });
        }
    }

    /// <summary>Every rule the class of cached methods breaks.</summary>
    public static IEnumerable<Finding> CheckType(INamedTypeSymbol type, StrataSymbols s)
    {
        var name = type.ToDisplayString(NameFormat);
        var location = type.Locations.FirstOrDefault();
        string? reason = null;
        var fix = "";
        if (type.TypeKind == TypeKind.Interface)
        {
            (reason, fix) = ("is an interface", "Put [UseCache] on the methods of the class that implements it.");
        }
        else if (type.TypeKind == TypeKind.Struct)
        {
            (reason, fix) = ("is a struct", "Make it a class.");
        }
        else if (type.IsStatic)
        {
            (reason, fix) = ("is static", "Make it a non-static class registered in dependency injection, or cache lambdas with Cache.Function(...).");
        }
        else if (s.IsComponent(type))
        {
            (reason, fix) = ("is a Razor component, which is not resolved from dependency injection",
                "Cache the whole component with @attribute [UseCache], move the method into a service the component injects, or cache a lambda with Cache.Function(...).");
        }
        else if (type.IsAbstract)
        {
            (reason, fix) = ("is abstract", "Put [UseCache] on the methods of a concrete class (a subclass can override them with [UseCache]).");
        }
        else if (!IsAccessibleInAssembly(type))
        {
            (reason, fix) = ("is private or protected inside another type", "Make it internal or public.");
        }
        else if (!type.InstanceConstructors.Any(c => c.DeclaredAccessibility is not Accessibility.Private))
        {
            (reason, fix) = ("has only private constructors", "Make a constructor public (dependency injection needs one).");
        }

        if (reason is not null)
        {
            yield return new Finding(Descriptors.CannotSubclass, location, new object?[] { name, reason, fix });
            yield break;
        }

        if (type.IsSealed)
        {
            yield return new Finding(Descriptors.SealedClass, location, new object?[] { name });
        }

        if (type.IsGenericType)
        {
            yield return new Finding(Descriptors.Generic, location, new object?[] { name, "a generic class" });
        }
    }

    /// <summary>Whether the generator can write a subclass for the type (the type rules hold).</summary>
    public static bool CanSubclass(INamedTypeSymbol type, StrataSymbols s) => !CheckType(type, s).Any();

    /// <summary>Whether the generator can override the method (the method's errors are absent).</summary>
    public static bool CanOverride(CachedMethod cached, StrataSymbols s) =>
        !CheckMethod(cached, s, includeWarnings: false).Any(f => f.Descriptor.Id is "STRATA001" or "STRATA002" or "STRATA003" or "STRATA005" or "STRATA006")
        && cached.Method.DeclaredAccessibility is not Accessibility.Private
        && KindRules.IsValidName(cached.Kind);

    private static bool IsAccessibleInAssembly(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return false;
            }
        }

        return true;
    }

    private static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        _ => "ref readonly",
    };

    private static Location? ReturnTypeLocation(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is MethodDeclarationSyntax syntax ? syntax.ReturnType.GetLocation() : null;

    internal static Location? ResultTypeLocation(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is MethodDeclarationSyntax { ReturnType: GenericNameSyntax { TypeArgumentList.Arguments: { Count: 1 } arguments } }
            ? arguments[0].GetLocation()
            : ReturnTypeLocation(method);

    private static Location? ParameterTypeLocation(IParameterSymbol parameter) =>
        parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is ParameterSyntax { Type: { } type } ? type.GetLocation() : null;
}
