using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Strata.Generators;

/// <summary>
/// Checks server functions (<c>[UseServer]</c> methods, and public methods of <c>[UseServer]</c> classes) against
/// <see cref="ServerRules"/>: async, public, static or of a resolvable class, and parameters and results that can cross the
/// wire. A method that breaks a rule is not registered by the generator, so it can never be called.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UseServerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.ServerNotAsync,
        Descriptors.ServerNotPublic,
        Descriptors.ServerWireType,
        Descriptors.ServerNotResolvable);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = StrataSymbols.Create(start.Compilation);
            if (symbols.UseServer is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols), SymbolKind.Method);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, StrataSymbols s)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!ServerRules.IsServerFunction(method, s))
        {
            return;
        }

        foreach (var finding in ServerRules.Check(method, s))
        {
            context.ReportDiagnostic(Diagnostic.Create(finding.Descriptor, finding.Location, finding.Properties, finding.Arguments));
        }
    }
}
