using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Strata.Generators;

/// <summary>
/// Checks <c>[UseCache]</c> methods and classes: async and virtual methods of a class the generator can subclass, keyable
/// parameters, a known cache kind, no <c>[UseServer]</c> on the same member, and (a warning) an immutable result type.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UseCacheDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.NotAsync,
        Descriptors.NotVirtual,
        Descriptors.Static,
        Descriptors.SealedClass,
        Descriptors.Generic,
        Descriptors.RefParameter,
        Descriptors.KeyType,
        Descriptors.KindTypo,
        Descriptors.KindName,
        Descriptors.Conflict,
        Descriptors.MutableResult,
        Descriptors.CannotSubclass);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // Generated code too: a [UseCache] method in a Razor component's @code block lives in code Razor generates.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = StrataSymbols.Create(start.Compilation);
            if (symbols.UseCache is null)
            {
                return;
            }

            var facts = new Lazy<ProjectFacts>(() => ProjectFacts.Collect(start.Compilation, start.Options.AdditionalFiles, CancellationToken.None));
            start.RegisterSymbolAction(c => AnalyzeType(c, symbols, facts), SymbolKind.NamedType);
            start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols, facts), SymbolKind.Method);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, StrataSymbols s, Lazy<ProjectFacts> facts)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = s.UseCacheOf(type);
        if (attribute is not null)
        {
            ReportKind(context, attribute, facts);
            ReportConflict(context, type, s);
        }

        if (!CacheRules.HasGeneratedCaching(type, s))
        {
            return;
        }

        foreach (var finding in CacheRules.CheckType(type, s))
        {
            context.ReportDiagnostic(finding.ToDiagnostic());
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, StrataSymbols s, Lazy<ProjectFacts> facts)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (s.UseCacheOf(method) is { } attribute)
        {
            ReportKind(context, attribute, facts);
            ReportConflict(context, method, s);
        }

        if (CacheRules.For(method, s) is not { } cached || (cached.FromClass is false && s.IsComponent(method.ContainingType)))
        {
            return;
        }

        foreach (var finding in CacheRules.CheckMethod(cached, s, includeWarnings: true))
        {
            context.ReportDiagnostic(finding.ToDiagnostic());
        }
    }

    private static void ReportKind(SymbolAnalysisContext context, AttributeData attribute, Lazy<ProjectFacts> facts)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string kind)
        {
            return;
        }

        var location = ArgumentLocation(attribute, context.CancellationToken);
        var known = facts.Value.Kinds;
        if (known.Contains(kind))
        {
            return;
        }

        if (KindRules.NearMiss(kind, known) is { } suggestion)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add("Suggestion", suggestion);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.KindTypo, location, properties, kind, suggestion));
        }
        else if (!KindRules.IsValidName(kind))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.KindName, location, kind));
        }
    }

    private static void ReportConflict(SymbolAnalysisContext context, ISymbol symbol, StrataSymbols s)
    {
        if (s.UseServerOf(symbol) is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.Conflict, symbol.Locations.FirstOrDefault(), symbol.ToDisplayString(CacheRules.NameFormat)));
        }
    }

    private static Location? ArgumentLocation(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList.Arguments: { Count: > 0 } arguments }
            ? arguments[0].GetLocation()
            : attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
}
