using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Keys;

/// <summary>
/// The key-soundness suite across builds: the C# compiler lays out closures and state machines differently in Debug
/// (async state machines are classes, locals are hoisted differently) and Release. The same source, compiled both ways
/// with Roslyn and loaded, must key every captured-variable shape: the same captured value runs the body once, a
/// different one runs it again and sees its own value.
/// </summary>
public sealed class KeyShapesAcrossBuildsTests
{
    private const string Source = """
        using System;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using static Strata.Cache;

        public static class Shapes
        {
            public static int Runs;

            private static readonly (string Tenant, string Row)[] Rows = [("acme", "A1"), ("globex", "G1")];

            private static void Count() => Interlocked.Increment(ref Runs);

            public static Task<string> Run(string shape, string tenant) => shape switch
            {
                "closure" => Closure(tenant),
                "nested-scopes" => NestedScopes(tenant),
                "local-function" => LocalFunction(tenant),
                "static-local-function" => StaticLocalFunction(tenant),
                "async-hoisted" => AsyncHoisted(tenant),
                "expression-tree" => ExpressionTree(tenant),
                "lambda-in-lambda" => LambdaInLambda(tenant),
                "captured-delegate" => CapturedDelegate(tenant),
                "captured-cached-function" => CapturedCachedFunction(tenant),
                "struct-closure" => StructClosure(tenant),
                "generic-method" => Generic<Uri>(tenant),
                "deep-chain" => DeepChain(tenant),
                _ => throw new ArgumentException(shape),
            };

            private static Task<string> Closure(string tenant) =>
                Function(async (int n) => { Count(); await Task.Yield(); return tenant + n; })(1);

            private static async Task<string> NestedScopes(string tenant)
            {
                var prefix = "p:";
                for (var i = 0; i < 1; i++)
                {
                    var scoped = tenant;
                    var get = Function(async (int n) => { Count(); await Task.Yield(); return prefix + scoped + n; });
                    return await get(1);
                }

                return "";
            }

            private static Task<string> LocalFunction(string tenant)
            {
                string Upper() => tenant.ToUpperInvariant();
                return Function(async (int n) => { Count(); await Task.Yield(); return Upper() + n; })(1);
            }

            private static Task<string> StaticLocalFunction(string tenant)
            {
                static string Upper(string t) => t.ToUpperInvariant();
                return Function(async (int n) => { Count(); await Task.Yield(); return Upper(tenant) + n; })(1);
            }

            private static Task<string> AsyncHoisted(string tenant) =>
                Function(async (int n) =>
                {
                    Count();
                    var local = tenant;
                    await Task.Yield();
                    await Task.Yield();
                    return local + n;
                })(1);

            private static Task<string> ExpressionTree(string tenant) =>
                Function(async (int n) =>
                {
                    Count();
                    await Task.Yield();
                    return string.Join(",", Rows.AsQueryable().Where(r => r.Tenant == tenant).Select(r => r.Row)) + n;
                })(1);

            private static Task<string> LambdaInLambda(string tenant) =>
                Function(async (int n) =>
                {
                    Count();
                    Func<string> name = () => tenant;
                    await Task.Yield();
                    return name() + n;
                })(1);

            private static Task<string> CapturedDelegate(string tenant)
            {
                Func<string> name = () => tenant;
                return Function(async (int n) => { Count(); await Task.Yield(); return name() + n; })(1);
            }

            private static Task<string> CapturedCachedFunction(string tenant)
            {
                var inner = Function(async (int n) => { await Task.Yield(); return tenant + n; });
                return Function(async (int n) => { Count(); return await inner(n) + "!"; })(1);
            }

            private static Task<string> StructClosure(string tenant) =>
                Function(async (int n) =>
                {
                    Count();
                    var suffix = "!";
                    string Add() => tenant + suffix;
                    await Task.Yield();
                    return Add() + n;
                })(1);

            private static Task<string> Generic<T>(string tenant) =>
                Function(async (int n) => { Count(); await Task.Yield(); return typeof(T).Name + tenant + n; })(1);

            private static Task<string> DeepChain(string tenant)
            {
                return Function(async (int n) => { Count(); await Task.Yield(); return L1(n); })(1);

                string L1(int x) => L2(x);
                string L2(int x) => L3(x);
                string L3(int x) => L4(x);
                string L4(int x) => L5(x);
                string L5(int x) => L6(x);
                string L6(int x) => L7(x);
                string L7(int x) => L8(x);
                string L8(int x) => L9(x);
                string L9(int x) => L10(x);
                string L10(int x) => tenant + x;
            }
        }
        """;

    private static readonly Lazy<Assembly> Debug = new(() => Build(OptimizationLevel.Debug));

    private static readonly Lazy<Assembly> Release = new(() => Build(OptimizationLevel.Release));

    public static TheoryData<string, string> ShapesAndBuilds()
    {
        var data = new TheoryData<string, string>();
        foreach (var build in new[] { "Debug", "Release" })
        {
            foreach (var shape in new[]
            {
                "closure", "nested-scopes", "local-function", "static-local-function", "async-hoisted", "expression-tree", "lambda-in-lambda",
                "captured-delegate", "captured-cached-function", "struct-closure", "generic-method", "deep-chain",
            })
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
        var shapes = (build == "Debug" ? Debug : Release).Value.GetType("Shapes")!;
        var run = shapes.GetMethod("Run")!;
        var runs = shapes.GetField("Runs")!;
        Task<string> Call(string tenant) => (Task<string>)run.Invoke(null, [shape, tenant])!;
        var before = (int)runs.GetValue(null)!;

        var acme = await Call("acme");
        var acmeAgain = await Call("acme");
        var globex = await Call("globex");

        Assert.Equal(acme, acmeAgain);
        Assert.NotEqual(acme, globex);
        Assert.DoesNotContain("acme", globex, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("A1", globex, StringComparison.Ordinal);
        Assert.Equal(2, (int)runs.GetValue(null)! - before);
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

    private static Assembly Build(OptimizationLevel level)
    {
        var compilation = Compile.Create(Source)
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
