using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Components;

/// <summary>
/// STRATA072/073 on real Razor output: the code the Razor compiler wrote for LanguagePage.razor (reported, in the .razor
/// file) and StreamingLanguagePage.razor (a [StreamRendering] page: not reported) in this project's build.
/// </summary>
public sealed class StreamingBoundaryRazorTests
{
    [Fact]
    public async Task RequestDataInAPrerenderedPage_IsReportedInTheRazorFile_AndNotInAStreamingPage()
    {
        var directory = Path.Combine(typeof(StreamingBoundaryRazorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RazorGeneratedDirectory").Value!, "Components");
        var sources = await Task.WhenAll(new[] { "LanguagePage", "StreamingLanguagePage" }.Select(n => File.ReadAllTextAsync(Path.Combine(directory, n + "_razor.g.cs"))));
        var compilation = Compile.Create(sources);
        Assert.DoesNotContain(Compile.Problems(compilation), d => d.Severity == DiagnosticSeverity.Error);
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true);

        var diagnostics = await compilation.WithAnalyzers([new StreamingBoundaryAnalyzer()], options).GetAnalyzerDiagnosticsAsync();

        var found = diagnostics.Select(d => (d.Id, Message: d.GetMessage(), Span: d.Location.GetMappedLineSpan())).ToList();
        Assert.Equal(["STRATA072 LanguagePage.razor:10", "STRATA073 LanguagePage.razor:12"], found.Select(d => $"{d.Id} {Path.GetFileName(d.Span.Path)}:{d.Span.StartLinePosition.Line + 1}").Order(StringComparer.Ordinal));
        Assert.Contains(found, d => d.Message.StartsWith("Route /language: LanguagePage binds [SupplyParameterFromQuery] 'Q' outside a streaming boundary.", StringComparison.Ordinal));
        Assert.Contains(found, d => d.Message.StartsWith("Route /language: LanguagePage read Cookies() outside a streaming boundary.", StringComparison.Ordinal));
    }
}
