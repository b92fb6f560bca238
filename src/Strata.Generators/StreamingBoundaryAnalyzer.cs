using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Strata.Generators;

/// <summary>
/// The build-time side of the static shell's rule (docs/web/static-shell.md): a page that is prerendered (a route without
/// parameters, no <c>[Authorize]</c>, no <c>[ForceDynamic]</c>) must not read request data outside a streaming boundary.
/// Reported where it is certain at build time: the page itself reads it (a <c>[CascadingParameter] HttpContext</c>, an
/// injected <c>IHttpContextAccessor</c>, <c>[SupplyParameterFromQuery]</c>, <c>Cookies()</c>/<c>Headers()</c>/
/// <c>SearchParams()</c>/<c>Connection()</c>), and neither the page, its base classes nor its <c>@layout</c> chain is
/// <c>[StreamRendering]</c>. Components rendered by pages, and the router's default layout, are judged at prerender time
/// (where they are in the page is known only then). Razor components are analyzed in the C# Razor generates for them.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StreamingBoundaryAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] RequestApis = { "Cookies", "Headers", "SearchParams", "Connection" };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        ShellDescriptors.HttpContext,
        ShellDescriptors.HttpContextAccessor,
        ShellDescriptors.Query,
        ShellDescriptors.RequestApi,
        ShellDescriptors.ForceDynamicNotAPage);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var pages = Pages.Create(start.Compilation);
            if (pages is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => AnalyzeType(c, pages), SymbolKind.NamedType);
            if (pages.Symbols.Cache is not null)
            {
                start.RegisterOperationAction(c => AnalyzeInvocation(c, pages), OperationKind.Invocation);
            }
        });
    }

    /// <summary>STRATA070-072 on the members of a prerendered page; STRATA074 on [ForceDynamic] where it does nothing.</summary>
    private static void AnalyzeType(SymbolAnalysisContext context, Pages pages)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!pages.Symbols.IsComponent(type))
        {
            return;
        }

        if (!pages.IsPage(type))
        {
            // An abstract base class may carry it for the pages that derive from it (the attribute is inherited).
            if (!type.IsAbstract && type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, pages.ForceDynamic)) is { } attribute)
            {
                context.ReportDiagnostic(Diagnostic.Create(ShellDescriptors.ForceDynamicNotAPage, attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations.FirstOrDefault(), type.Name));
            }

            return;
        }

        if (pages.PrerenderedRoute(type) is not { } route)
        {
            return;
        }

        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            foreach (var property in t.GetMembers().OfType<IPropertySymbol>())
            {
                if (Read(property, pages) is not { } read)
                {
                    continue;
                }

                var location = property.Locations.FirstOrDefault(l => l.IsInSource) ?? type.Locations.FirstOrDefault();
                context.ReportDiagnostic(Diagnostic.Create(ShellDescriptors.For(read.Kind), location, route, type.Name, read.What));
            }
        }
    }

    /// <summary>What a property of a page reads from the request, as the prerender names it (ComponentTypeInfo), or null.</summary>
    private static (PageRead Kind, string What)? Read(IPropertySymbol property, Pages pages)
    {
        var s = pages.Symbols;
        foreach (var attribute in property.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            if (name == "Microsoft.AspNetCore.Components.CascadingParameterAttribute" && s.HttpContext is not null && StrataSymbols.InheritsOrImplements(property.Type, s.HttpContext))
            {
                return (PageRead.HttpContext, $"reads the HttpContext (the cascading parameter '{property.Name}')");
            }

            if (name == "Microsoft.AspNetCore.Components.InjectAttribute" && s.HttpContextAccessor is not null && StrataSymbols.InheritsOrImplements(property.Type, s.HttpContextAccessor))
            {
                return (PageRead.HttpContextAccessor, $"reads the HttpContext (it injects IHttpContextAccessor as '{property.Name}')");
            }

            if (s.SupplyParameterFromQuery is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, s.SupplyParameterFromQuery))
            {
                return (PageRead.Query, $"binds [SupplyParameterFromQuery] '{property.Name}'");
            }
        }

        return null;
    }

    /// <summary>STRATA073: Cookies(), Headers(), SearchParams() or Connection() in the code of a prerendered page (not in a cached lambda: STRATA008/009 apply there).</summary>
    private static void AnalyzeInvocation(OperationAnalysisContext context, Pages pages)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (!SymbolEqualityComparer.Default.Equals(method.ContainingType, pages.Symbols.Cache) || System.Array.IndexOf(RequestApis, method.Name) < 0)
        {
            return;
        }

        for (var o = invocation.Parent; o is not null; o = o.Parent)
        {
            if (o is IAnonymousFunctionOperation lambda && CacheRules.FunctionKind(lambda, pages.Symbols) is not null)
            {
                return;
            }
        }

        var type = context.ContainingSymbol as INamedTypeSymbol ?? context.ContainingSymbol.ContainingType;
        if (type is null || !pages.Symbols.IsComponent(type) || pages.Symbols.UseCacheOf(type) is not null || pages.PrerenderedRoute(type) is not { } route)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(ShellDescriptors.RequestApi, invocation.Syntax.GetLocation(), route, type.Name, $"read {method.Name}()"));
    }

    /// <summary>What makes a component a page that is prerendered, outside any streaming boundary, as the run time decides it (ShellPrerenderer.StaticPath).</summary>
    private sealed class Pages
    {
        private readonly INamedTypeSymbol _route;
        private readonly INamedTypeSymbol? _streamRendering;
        private readonly INamedTypeSymbol? _layout;
        private readonly INamedTypeSymbol? _authorizeData;
        private readonly INamedTypeSymbol? _staticParams;

        private Pages(StrataSymbols symbols, INamedTypeSymbol route, Compilation compilation)
        {
            Symbols = symbols;
            _route = route;
            _streamRendering = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.StreamRenderingAttribute");
            _layout = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.LayoutAttribute");
            _authorizeData = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Authorization.IAuthorizeData");
            ForceDynamic = compilation.GetTypeByMetadataName("Strata.AspNetCore.ForceDynamicAttribute");
            _staticParams = compilation.GetTypeByMetadataName("Strata.StaticParamsAttribute");
        }

        public StrataSymbols Symbols { get; }

        public INamedTypeSymbol? ForceDynamic { get; }

        public static Pages? Create(Compilation compilation) =>
            compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.RouteAttribute") is { } route
                ? new Pages(StrataSymbols.Create(compilation), route, compilation)
                : null;

        /// <summary>Whether the component is a page (it has a route: <c>@page</c>).</summary>
        public bool IsPage(INamedTypeSymbol type) => Templates(type).Any();

        /// <summary>
        /// The route a page is prerendered under (its first template without parameters, or its first template when a
        /// [StaticParams] method lists parameter values), or null when it is not prerendered (only templates with parameters
        /// and no [StaticParams], [Authorize], [ForceDynamic]) or all of it is a streaming boundary.
        /// </summary>
        public string? PrerenderedRoute(INamedTypeSymbol type)
        {
            var templates = Templates(type).ToList();
            var route = templates.FirstOrDefault(t => t.IndexOf('{') < 0) ?? (ListsStaticParams(type) ? templates.FirstOrDefault() : null);
            return route is null || Has(type, ForceDynamic) || Has(type, _authorizeData) || InsideStreamingBoundary(type, depth: 0) ? null : route;
        }

        private bool ListsStaticParams(INamedTypeSymbol type) =>
            _staticParams is not null && type.GetMembers().OfType<IMethodSymbol>().Any(m => m.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _staticParams)));

        private System.Collections.Generic.IEnumerable<string> Templates(INamedTypeSymbol type) =>
            type.GetAttributes()
                .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _route) && a.ConstructorArguments.Length == 1)
                .Select(a => a.ConstructorArguments[0].Value as string)
                .OfType<string>();

        /// <summary>
        /// Whether the component (or a base class) is [StreamRendering] (enabled), or its @layout is, up the layout chain:
        /// Blazor's rule, the nearest component up the parent chain with the attribute decides.
        /// </summary>
        private bool InsideStreamingBoundary(INamedTypeSymbol type, int depth)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var attribute in t.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _streamRendering))
                    {
                        return attribute.ConstructorArguments.Length == 0 || attribute.ConstructorArguments[0].Value is not false;
                    }
                }
            }

            var layout = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _layout));
            return layout?.ConstructorArguments.FirstOrDefault().Value is INamedTypeSymbol parent && depth < 16 && InsideStreamingBoundary(parent, depth + 1);
        }

        /// <summary>Whether the type or a base class carries an attribute of (or implementing) <paramref name="attributeType"/>.</summary>
        private static bool Has(INamedTypeSymbol type, INamedTypeSymbol? attributeType)
        {
            if (attributeType is null)
            {
                return false;
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                if (t.GetAttributes().Any(a => a.AttributeClass is { } c && StrataSymbols.InheritsOrImplements(c, attributeType)))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
