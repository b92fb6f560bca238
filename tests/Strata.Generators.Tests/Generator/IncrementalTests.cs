using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Generator;

/// <summary>The generator is incremental: edits that do not touch a [UseCache] class leave its model and output cached.</summary>
public sealed class IncrementalTests
{
    private const string Catalog = """
        using Strata;
        using System.Threading.Tasks;
        public class Catalog
        {
            [UseCache] public virtual Task<int> Get(string id) => Task.FromResult(1);
        }
        """;

    [Fact]
    public void UnrelatedEdit_LeavesModelAndOutputCached()
    {
        var compilation = Compile.Create(Catalog, "public class Other { public int A() => 1; }");
        var (driver, _, _) = Compile.Generate(compilation);
        var other = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("public class Other { public int A() => 2; public int B() => 3; }")));

        var (next, _, _) = Compile.Generate(edited, driver);

        var result = next.GetRunResult().Results.Single();
        var steps = result.TrackedSteps[UseCacheGenerator.TypeStep].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step output was {o.Reason}"));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output was {o.Reason}"));
    }

    [Fact]
    public void EditOfTheCachedClass_RegeneratesIt()
    {
        var compilation = Compile.Create(Catalog);
        var (driver, _, _) = Compile.Generate(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Catalog.Replace("Get(string id)", "Get(string id, int page)"))));

        var (next, _, sources) = Compile.Generate(edited, driver);

        var outputs = next.GetRunResult().Results.Single().TrackedSteps[UseCacheGenerator.TypeStep].SelectMany(s => s.Outputs);
        Assert.Contains(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Get(string id, int page)", Assert.Single(sources).SourceText.ToString(), StringComparison.Ordinal);
    }
}
