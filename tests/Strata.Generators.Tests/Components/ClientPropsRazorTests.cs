using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Components;

/// <summary>
/// STRATA050-054 on real Razor output: the code the Razor compiler wrote for ClientHost.razor (use sites),
/// ClientCounter.razor ([UseClient]) and PlainBox.razor in this project's build. The diagnostics land in the .razor files.
/// </summary>
public sealed class ClientPropsRazorTests
{
    [Fact]
    public async Task ValuesThatCannotCross_AreReported_AtTheirPlaceInTheRazorFiles()
    {
        var directory = Path.Combine(typeof(ClientPropsRazorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RazorGeneratedDirectory").Value!, "Components");
        var sources = await Task.WhenAll(new[] { "ClientHost", "ClientCounter", "PlainBox" }.Select(n => File.ReadAllTextAsync(Path.Combine(directory, n + "_razor.g.cs"))));
        var attribute = """
            namespace Strata;
            public sealed class UseClientAttribute : Microsoft.AspNetCore.Components.RenderModeAttribute
            {
                public override Microsoft.AspNetCore.Components.IComponentRenderMode Mode => Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveWebAssembly;
            }
            """;
        var compilation = Compile.Create([.. sources, attribute]);
        Assert.DoesNotContain(Compile.Problems(compilation), d => d.Severity == DiagnosticSeverity.Error);
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true);

        var diagnostics = await compilation.WithAnalyzers([new ClientPropsAnalyzer()], options).GetAnalyzerDiagnosticsAsync();

        var found = diagnostics.Select(d => (d.Id, Message: d.GetMessage(), File: Path.GetFileName(d.Location.GetMappedLineSpan().Path))).ToList();
        Assert.Equal(
            ["STRATA050 ClientHost.razor", "STRATA050 ClientHost.razor", "STRATA051 ClientHost.razor", "STRATA053 ClientHost.razor", "STRATA054 ClientCounter.razor"],
            found.Select(d => $"{d.Id} {d.File}").Order(StringComparer.Ordinal));
        Assert.Contains(found, d => d.Message.Contains("Parameter 'OnChange' of the client component ClientCounter receives an EventCallback", StringComparison.Ordinal));
        Assert.Contains(found, d => d.Message.Contains("Parameter 'Value' of the client component PlainBox receives an Action", StringComparison.Ordinal));
        Assert.Contains(found, d => d.Message.Contains("Parameter 'Payload' of the client component ClientCounter receives a MemoryStream, which is a stream", StringComparison.Ordinal));
        Assert.Contains(found, d => d.Message.Contains("Parameter 'ChildContent' of the client component PlainBox receives a RenderFragment", StringComparison.Ordinal));
    }
}
