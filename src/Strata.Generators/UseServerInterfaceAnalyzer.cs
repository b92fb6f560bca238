using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Strata.Generators;

/// <summary>
/// Checks <c>[UseServer]</c> interfaces against <see cref="ProxyRules"/> (STRATA055-059): client code imports them through a
/// generated proxy, so every member must be a method that can be called over the network with JSON. An interface that
/// breaks a rule gets no proxy and no server registration.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UseServerInterfaceAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.ProxyNotAsync,
        Descriptors.ProxyGeneric,
        Descriptors.ProxyRefParameter,
        Descriptors.ProxyWireType,
        Descriptors.ProxyMember);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = StrataSymbols.Create(start.Compilation);
            if (symbols.UseServer is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType, SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, StrataSymbols s)
    {
        if (context.Symbol is INamedTypeSymbol { TypeKind: TypeKind.Interface } type && s.UseServerOf(type) is not null)
        {
            foreach (var finding in ProxyRules.Check(type, s, requireProxy: true))
            {
                context.ReportDiagnostic(finding.ToDiagnostic());
            }
        }
        else if (context.Symbol is IMethodSymbol { ContainingType: { TypeKind: TypeKind.Interface } owner } method
            && s.UseServerOf(method) is not null && s.UseServerOf(owner) is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ProxyMember, method.Locations.FirstOrDefault(), $"{owner.Name}.{method.Name}", "has [UseServer], but its interface does not; put [UseServer] on the interface (every method of it is then a server function)"));
        }
    }
}
