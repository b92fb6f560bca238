using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Generator;

/// <summary>The [UseServer] generator: registers the functions that keep the rules (and only those), compiles cleanly, and is incremental.</summary>
public sealed class ServerGeneratorTests
{
    private const string Source = """
        using Strata;
        using System.Threading;
        using System.Threading.Tasks;
        public sealed record User(string Name, int Age);
        [UseServer]
        public sealed class Users
        {
            public Task<User> Create(string name, int age, User? referrer, CancellationToken ct) => Task.FromResult(new User(name, age));
            public Task Update(int id, FormData form) => Task.CompletedTask;
            public int Broken() => 1;
        }
        public static class Tools
        {
            [UseServer] public static ValueTask<int> Add(int a, int b) => new(a + b);
            [UseServer] public static Task Run(System.Func<int> callback) => Task.CompletedTask;
        }
        """;

    [Fact]
    public void Generator_RegistersOnlyFunctionsThatKeepTheRules_AndItsCodeCompiles()
    {
        var (_, output, sources) = Run(Compile.Create(Source));
        var text = string.Join("\n", sources.Select(s => s.SourceText.ToString()));

        Assert.Contains("\"Users.Create(string,int,User,System.Threading.CancellationToken)\"", text, StringComparison.Ordinal);
        Assert.Contains("\"Users.Update(int,Strata.FormData)\"", text, StringComparison.Ordinal);
        Assert.Contains("\"Tools.Add(int,int)\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Broken", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Run\"", text, StringComparison.Ordinal);
        Assert.Contains("__arguments.Get<global::User?>(2)", text, StringComparison.Ordinal);
        Assert.Contains("Create(__a0, __a1, __a2, __cancellationToken)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Compile.Problems(output), d => d.Id.StartsWith("CS", StringComparison.Ordinal));
    }

    [Fact]
    public void UnrelatedEdit_LeavesTheServerModelsCached()
    {
        var compilation = Compile.Create(Source, "public class Other { public int A() => 1; }");
        var (driver, _, _) = Run(compilation);
        var other = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("public class Other { public int A() => 2; }")));

        var (next, _, _) = Run(edited, driver);

        var outputs = next.GetRunResult().Results.Single().TrackedSteps[UseServerGenerator.ModelStep].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step output was {o.Reason}"));
    }

    private static (GeneratorDriver Driver, Compilation Output, System.Collections.Immutable.ImmutableArray<GeneratedSourceResult> Sources) Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver ??= CSharpGeneratorDriver.Create(
            [new UseServerGenerator().AsSourceGenerator()],
            parseOptions: Compile.Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver, output, driver.GetRunResult().Results.Single().GeneratedSources);
    }
}
