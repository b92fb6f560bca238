using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Strata.Generators.Tests.Support;

/// <summary>Runs an analyzer over source with diagnostic markup (<c>{|STRATA001:text|}</c>) and checks exactly those are reported.</summary>
internal static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Threading; using System.Threading.Tasks; using Strata; using static Strata.Cache;\n";

    public static Task Analyzer(string source, params (string Path, string Text)[] additionalFiles)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = References.None,
        };
        test.TestState.AdditionalReferences.AddRange(References.All);
        foreach (var file in additionalFiles)
        {
            test.TestState.AdditionalFiles.Add(file);
        }

        test.SolutionTransforms.Add(LanguageLatest);
        return test.RunAsync();
    }

    public static async Task<IReadOnlyList<Diagnostic>> Diagnostics(string source)
    {
        var compilation = Compile.Create(Usings + source);
        var withAnalyzers = compilation.WithAnalyzers([new TAnalyzer()]);
        return await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    }

    public static Task CodeFix<TFix>(string source, string fixedSource)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            ReferenceAssemblies = References.None,
        };
        test.TestState.AdditionalReferences.AddRange(References.All);
        test.FixedState.AdditionalReferences.AddRange(References.All);
        test.SolutionTransforms.Add(LanguageLatest);
        return test.RunAsync();
    }

    private static Solution LanguageLatest(Solution solution, ProjectId projectId)
    {
        var project = solution.GetProject(projectId)!;
        return solution.WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Preview));
    }
}
