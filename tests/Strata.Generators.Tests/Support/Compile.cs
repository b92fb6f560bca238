using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Strata.Generators.Tests.Support;

/// <summary>In-memory compilations and generator runs.</summary>
internal static class Compile
{
    public static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    public static CSharpCompilation Create(params string[] sources) =>
        CSharpCompilation.Create(
            "TestApp",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: $"Source{i}.cs")),
            References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>Runs the generator; returns the driver (for incremental runs), the output compilation and the generated sources.</summary>
    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<GeneratedSourceResult> Sources) Generate(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver ??= CSharpGeneratorDriver.Create(
            [new UseCacheGenerator().AsSourceGenerator()],
            parseOptions: Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var sources = driver.GetRunResult().Results.Single().GeneratedSources;
        return (driver, output, sources);
    }

    /// <summary>The compiler errors and warnings of a compilation (hidden and info diagnostics left out).</summary>
    public static IEnumerable<Diagnostic> Problems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);
}
