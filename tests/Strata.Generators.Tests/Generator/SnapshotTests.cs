using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Generator;

/// <summary>
/// The generated code for the sources in Snapshots/*.cs must equal the committed Snapshots/*.g.cs files. When the
/// generator changes on purpose, run the tests with STRATA_UPDATE_SNAPSHOTS=1 and review the diff of the .g.cs files.
/// </summary>
public sealed class SnapshotTests
{
    [Theory]
    [InlineData("Catalog", "Shop.Catalog_Cached.g.cs")]
    [InlineData("Reports", "Shop.Reporting.Reports_Cached.g.cs")]
    public void GeneratedSource_MatchesSnapshot(string input, string hintName)
    {
        var compilation = Compile.Create(File.ReadAllText(SnapshotPath(input + ".cs")));

        var (_, _, sources) = Compile.Generate(compilation);

        var generated = Assert.Single(sources, s => s.HintName == hintName).SourceText.ToString();
        var expectedPath = SnapshotPath(hintName);
        if (Environment.GetEnvironmentVariable("STRATA_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(SourceSnapshotPath(hintName), generated);
            return;
        }

        Assert.True(File.Exists(expectedPath), $"No snapshot {hintName}: run with STRATA_UPDATE_SNAPSHOTS=1 to write it.");
        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings(), generated.ReplaceLineEndings());
    }

    [Theory]
    [InlineData("Catalog")]
    [InlineData("Reports")]
    public void GeneratedSource_CompilesWithoutWarnings(string input)
    {
        var compilation = Compile.Create(File.ReadAllText(SnapshotPath(input + ".cs")));

        var (_, output, _) = Compile.Generate(compilation);

        Assert.Empty(Compile.Problems(output));
    }

    [Fact]
    public void ClassWithoutUseCache_GeneratesNothing()
    {
        var compilation = Compile.Create("public class Plain { public virtual System.Threading.Tasks.Task<int> Get() => System.Threading.Tasks.Task.FromResult(1); }");

        var (_, _, sources) = Compile.Generate(compilation);

        Assert.Empty(sources);
    }

    [Fact]
    public void InvalidMethod_IsLeftToTheAnalyzerAndNotOverridden()
    {
        var compilation = Compile.Create("""
            using Strata;
            public class Catalog
            {
                [UseCache] public System.Threading.Tasks.Task<int> NotVirtual(string id) => System.Threading.Tasks.Task.FromResult(1);
                [UseCache] public virtual System.Threading.Tasks.Task<int> Fine(string id) => System.Threading.Tasks.Task.FromResult(1);
            }
            """);

        var (_, output, sources) = Compile.Generate(compilation);

        var source = Assert.Single(sources).SourceText.ToString();
        Assert.Contains("override global::System.Threading.Tasks.Task<int> Fine(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("NotVirtual(", source, StringComparison.Ordinal);
        Assert.Empty(Compile.Problems(output));
    }

    private static string SnapshotPath(string file) => Path.Combine(AppContext.BaseDirectory, "Snapshots", file);

    private static string SourceSnapshotPath(string file, [System.Runtime.CompilerServices.CallerFilePath] string caller = "") =>
        Path.Combine(Path.GetDirectoryName(caller)!, "..", "Snapshots", file);
}
