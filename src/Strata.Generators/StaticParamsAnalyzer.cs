using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Strata.Generators;

/// <summary>
/// Checks <c>[StaticParams]</c> methods (the counterpart of Next.js's <c>generateStaticParams</c>): static and not generic
/// (STRATA075), returning a sequence (STRATA076), on a routable component whose route has parameters (STRATA077), listing
/// values that fit one of its routes (STRATA078), one per page (STRATA079). The routes are read from the page's
/// <c>[Route]</c> attributes (what <c>@page</c> compiles to). At run time the prerender checks the same and what the
/// analyzers cannot see (a value that fails a route constraint).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StaticParamsAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] ScalarTypeNames = ["System.Guid", "System.DateTimeOffset", "System.DateOnly", "System.TimeOnly", "System.TimeSpan"];

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.StaticParamsNotStatic,
        Descriptors.StaticParamsReturnType,
        Descriptors.StaticParamsNotOnPage,
        Descriptors.StaticParamsShape,
        Descriptors.StaticParamsTwice);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var compilation = start.Compilation;
            if (compilation.GetTypeByMetadataName("Strata.StaticParamsAttribute") is not { } attribute)
            {
                return;
            }

            var types = new Types(
                attribute,
                compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.RouteAttribute"),
                compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.IComponent"),
                compilation.GetTypeByMetadataName("System.Collections.Generic.IEnumerable`1"),
                compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1"),
                compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1"),
                compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1"),
                new HashSet<ITypeSymbol>(ScalarTypeNames.Select(compilation.GetTypeByMetadataName).Where(t => t is not null)!, SymbolEqualityComparer.Default));
            start.RegisterSymbolAction(c => Analyze(c, types), SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, Types t)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!HasAttribute(method, t.StaticParams))
        {
            return;
        }

        var name = method.ContainingType.Name + "." + method.Name;
        var location = method.Locations.FirstOrDefault();
        void Report(DiagnosticDescriptor descriptor, params object[] arguments) => context.ReportDiagnostic(Diagnostic.Create(descriptor, location, arguments));

        var page = method.ContainingType;
        var siblings = page.GetMembers().OfType<IMethodSymbol>().Count(m => HasAttribute(m, t.StaticParams));
        if (siblings > 1)
        {
            Report(Descriptors.StaticParamsTwice, name, siblings, page.Name);
        }

        if (!method.IsStatic)
        {
            Report(Descriptors.StaticParamsNotStatic, name, "is an instance method");
        }
        else if (method.IsGenericMethod)
        {
            Report(Descriptors.StaticParamsNotStatic, name, "is generic");
        }
        else if (method.Parameters.FirstOrDefault(p => p.RefKind != RefKind.None) is { } byRef)
        {
            Report(Descriptors.StaticParamsNotStatic, name, $"takes '{byRef.Name}' by reference");
        }

        var element = ElementType(method.ReturnType, t);
        if (element is null)
        {
            Report(Descriptors.StaticParamsReturnType, name, method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));
        }

        var routes = t.Route is null || t.Component is null || !page.AllInterfaces.Contains(t.Component, SymbolEqualityComparer.Default)
            ? []
            : page.GetAttributes().Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, t.Route))
                .Select(a => a.ConstructorArguments.FirstOrDefault().Value as string).Where(r => r is not null).Select(r => new Route(r!)).ToList();
        var withParameters = routes.Where(r => r.Parameters.Count > 0).ToList();
        if (withParameters.Count == 0)
        {
            Report(Descriptors.StaticParamsNotOnPage, name, page.Name, routes.Count == 0 ? "is not a routable Razor component (no @page route)" : $"has no route with parameters ({string.Join(", ", routes.Select(r => r.Template))})");
            return;
        }

        if (element is not null && Misfit(element, withParameters, t) is { } misfit)
        {
            Report(Descriptors.StaticParamsShape, name, element.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), misfit);
        }
    }

    /// <summary>
    /// Why values of <paramref name="element"/> do not fit one of the routes (each value is bound to every route of the
    /// page that has parameters), or <see langword="null"/> when they fit all (or it cannot be told before run time).
    /// </summary>
    private static string? Misfit(ITypeSymbol element, List<Route> routes, Types t)
    {
        if (IsScalar(element, t))
        {
            return routes.FirstOrDefault(r => r.Parameters.Count != 1) is not { } route ? null
                : $"which are single values, but the route '{route.Template}' has {route.Parameters.Count} parameters: list objects whose properties name them, e.g. new {{ {string.Join(", ", route.Parameters.Select(p => Capitalize(p.Name) + " = ..."))} }}";
        }

        if (element.SpecialType == SpecialType.System_Object || element.TypeKind is TypeKind.Interface or TypeKind.TypeParameter or TypeKind.Dynamic)
        {
            return null; // what it lists is known at run time only: the prerender checks it
        }

        var properties = Properties(element);
        foreach (var route in routes)
        {
            if (properties.FirstOrDefault(p => !route.Parameters.Any(r => Same(r.Name, p))) is { } extra)
            {
                return $"whose property '{extra}' is not a parameter of the route '{route.Template}'. Each public property of a listed value names a route parameter: remove it, or rename it after the parameter.";
            }

            if (route.Parameters.FirstOrDefault(r => r.Required && !properties.Any(p => Same(r.Name, p))) is { Name: { } missing })
            {
                return $"which has no property for the parameter '{missing}' of the route '{route.Template}'. Add a property '{Capitalize(missing)}' (route parameters are matched by name, ignoring case).";
            }
        }

        return null;
    }

    private static List<string> Properties(ITypeSymbol type)
    {
        var names = new List<string>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (!property.IsStatic && !property.IsIndexer && property.DeclaredAccessibility == Accessibility.Public && property.GetMethod is not null &&
                    !names.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                {
                    names.Add(property.Name);
                }
            }
        }

        return names;
    }

    /// <summary>T of what the method returns: <c>IEnumerable&lt;T&gt;</c>, <c>IAsyncEnumerable&lt;T&gt;</c>, or a task of an <c>IEnumerable&lt;T&gt;</c>; otherwise <see langword="null"/>.</summary>
    private static ITypeSymbol? ElementType(ITypeSymbol returns, Types t)
    {
        if (Implementing(returns, t.AsyncEnumerable) is { } asyncElement)
        {
            return asyncElement;
        }

        if (returns is INamedTypeSymbol { IsGenericType: true } task &&
            (SymbolEqualityComparer.Default.Equals(task.OriginalDefinition, t.Task) || SymbolEqualityComparer.Default.Equals(task.OriginalDefinition, t.ValueTask)))
        {
            returns = task.TypeArguments[0];
        }

        return returns.SpecialType == SpecialType.System_String ? null : Implementing(returns, t.Enumerable);
    }

    private static ITypeSymbol? Implementing(ITypeSymbol type, INamedTypeSymbol? generic)
    {
        if (generic is null)
        {
            return null;
        }

        var candidates = type is INamedTypeSymbol named ? new[] { named }.Concat(type.AllInterfaces) : type.AllInterfaces;
        return candidates.FirstOrDefault(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, generic))?.TypeArguments[0];
    }

    private static bool IsScalar(ITypeSymbol type, Types t)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type.TypeKind == TypeKind.Enum || type.SpecialType is not (SpecialType.None or SpecialType.System_Object) || t.Scalars.Contains(type);
    }

    private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol attribute) =>
        symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    private sealed class Types(
        INamedTypeSymbol staticParams, INamedTypeSymbol? route, INamedTypeSymbol? component, INamedTypeSymbol? enumerable, INamedTypeSymbol? asyncEnumerable,
        INamedTypeSymbol? task, INamedTypeSymbol? valueTask, HashSet<ITypeSymbol> scalars)
    {
        public INamedTypeSymbol StaticParams { get; } = staticParams;

        public INamedTypeSymbol? Route { get; } = route;

        public INamedTypeSymbol? Component { get; } = component;

        public INamedTypeSymbol? Enumerable { get; } = enumerable;

        public INamedTypeSymbol? AsyncEnumerable { get; } = asyncEnumerable;

        public INamedTypeSymbol? Task { get; } = task;

        public INamedTypeSymbol? ValueTask { get; } = valueTask;

        public HashSet<ITypeSymbol> Scalars { get; } = scalars;
    }

    /// <summary>
    /// A route template's parameters as ASP.NET Core's route syntax spells them: <c>{name}</c>, <c>{name:constraint}</c>,
    /// <c>{name?}</c> and <c>{name=default}</c> (not required), <c>{*name}</c>/<c>{**name}</c>; <c>{{</c> is a literal brace.
    /// </summary>
    private sealed class Route
    {
        public Route(string template)
        {
            Template = template;
            var parameters = new List<(string Name, bool Required)>();
            for (var i = 0; i < template.Length; i++)
            {
                if (template[i] != '{')
                {
                    continue;
                }

                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    i++;
                    continue;
                }

                var end = template.IndexOf('}', i);
                if (end < 0)
                {
                    break;
                }

                var body = template.Substring(i + 1, end - i - 1).TrimStart('*');
                var cut = body.IndexOfAny([':', '=', '?']);
                var parameterName = cut < 0 ? body : body.Substring(0, cut);
                parameters.Add((parameterName, !body.EndsWith("?", StringComparison.Ordinal) && body.IndexOf('=') < 0));
                i = end;
            }

            Parameters = parameters;
        }

        public string Template { get; }

        public List<(string Name, bool Required)> Parameters { get; }
    }
}
