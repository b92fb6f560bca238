using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Keys;

/// <summary>
/// The key-soundness suite across builds: the C# compiler lays out closures and state machines differently in Debug
/// (async state machines are classes, locals are hoisted differently) and Release. The shapes of Strata.Tests
/// (Keys/Shapes/KeyShapes.cs), compiled both ways with Roslyn and loaded, must key every captured variable: the same
/// captured value runs the body once and returns what a direct call returns, a different one runs it again.
/// </summary>
public sealed class KeyShapesAcrossBuildsTests
{
    private static readonly Lazy<Assembly> Debug = new(() => Build(OptimizationLevel.Debug));

    private static readonly Lazy<Assembly> Release = new(() => Build(OptimizationLevel.Release));

    public static TheoryData<string, string> ShapesAndBuilds()
    {
        var data = new TheoryData<string, string>();
        foreach (var build in new[] { "Debug", "Release" })
        {
            foreach (var shape in (IReadOnlyList<string>)Shapes(Release.Value).GetProperty("Names")!.GetValue(null)!)
            {
                data.Add(shape, build);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesAndBuilds))]
    public async Task EveryCapturedShape_IsKeyed_InDebugAndReleaseBuilds(string shape, string build)
    {
        using var t = new TestRuntime();
        var shapes = Shapes((build == "Debug" ? Debug : Release).Value);
        var run = shapes.GetMethod("Run")!;
        int Runs() => (int)shapes.GetProperty("Runs")!.GetValue(null)!;
        Task<string> Call(string tenant, bool cached = true) => (Task<string>)run.Invoke(null, [shape, tenant, cached])!;
        var before = Runs();

        var acme = await Call("acme");
        var acmeAgain = await Call("acme");
        var globex = await Call("globex");

        Assert.Equal(await Call("acme", cached: false), acme);
        Assert.Equal(acme, acmeAgain);
        Assert.Equal(await Call("globex", cached: false), globex);
        Assert.NotEqual(acme, globex);
        Assert.Equal(2 + 2, Runs() - before);
    }

    [Fact]
    public void TheTwoBuilds_LayOutClosuresDifferently()
    {
        // Guards the premise of the suite: Debug keeps async state machines as classes, Release as structs.
        static bool StateMachinesAreClasses(Assembly assembly) =>
            assembly.GetTypes().SelectMany(t => t.GetNestedTypes(BindingFlags.NonPublic)).SelectMany(t => t.GetNestedTypes(BindingFlags.NonPublic).Append(t))
                .Where(t => typeof(System.Runtime.CompilerServices.IAsyncStateMachine).IsAssignableFrom(t))
                .All(t => t.IsClass);

        Assert.True(StateMachinesAreClasses(Debug.Value));
        Assert.False(StateMachinesAreClasses(Release.Value));
    }

    [Fact]
    public async Task AnIlScanThatFails_KeysEveryCapturedVariable()
    {
        // The lambda calls a local function that creates a type from an assembly that cannot be loaded. It never runs,
        // so the lambda works; but reading its IL fails (FileNotFoundException), and the scan must fall back to keying
        // every captured variable instead of failing the call or dropping one.
        var missing = "Strata.KeyTests.Missing" + Guid.NewGuid().ToString("N");
        var library = Compile.Create("public sealed class Gone { }").WithAssemblyName(missing);
        var app = Compile.Create("""
            using System.Threading;
            using System.Threading.Tasks;
            using static Strata.Cache;
            public static class Faulty
            {
                public static int Runs;

                public static Task<string> Run(string tenant)
                {
                    var get = Function(async (int n) =>
                    {
                        Interlocked.Increment(ref Runs);
                        await Task.Yield();
                        if (n < 0)
                        {
                            Never();
                        }

                        return tenant + n;
                    });
                    return get(1);

                    static void Never() => _ = new Gone();
                }
            }
            """).WithAssemblyName("Strata.KeyTests.Faulty" + Guid.NewGuid().ToString("N")).AddReferences(library.ToMetadataReference());
        var assembly = new AssemblyLoadContext("faulty").LoadFromStream(new MemoryStream(Emit(app)));
        var faulty = assembly.GetType("Faulty")!;
        using var t = new TestRuntime();
        Task<string> Call(string tenant) => (Task<string>)faulty.GetMethod("Run")!.Invoke(null, [tenant])!;

        Assert.Equal("acme1", await Call("acme"));
        Assert.Equal("globex1", await Call("globex"));
        Assert.Equal("acme1", await Call("acme"));
        Assert.Equal(2, (int)faulty.GetField("Runs")!.GetValue(null)!);
    }

    private static Type Shapes(Assembly assembly) => assembly.GetType("Strata.Tests.Keys.Shapes.KeyShapes")!;

    private static Assembly Build(OptimizationLevel level)
    {
        var compilation = Compile.Create(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Keys", "KeyShapes.cs")))
            .WithAssemblyName("Strata.KeyTests.Shapes." + level)
            .WithOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: level, nullableContextOptions: NullableContextOptions.Enable));
        return new AssemblyLoadContext("shapes-" + level).LoadFromStream(new MemoryStream(Emit(compilation)));
    }

    private static byte[] Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return stream.ToArray();
    }
}
