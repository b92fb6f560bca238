// The captured-variable shapes of the key-soundness suite. Compiled into Strata.Tests (KeySoundnessTests,
// RandomizedKeyTests) and, from its text, compiled again by Roslyn in Debug and in Release by Strata.Generators.Tests
// (KeyShapesAcrossBuildsTests): keep it self-contained (public Strata API and the BCL only).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Strata.Cache;

namespace Strata.Tests.Keys.Shapes;

/// <summary>
/// One cached lambda per way C# can capture a variable. <see cref="Run"/> builds the shape around <c>tenant</c> and calls
/// it with 1; with <c>cached: false</c> it calls the same lambda directly, which is what a cached call must return.
/// </summary>
public static class KeyShapes
{
    private static readonly (string Tenant, string Row)[] Rows = [("acme", "A1"), ("acme", "A2"), ("globex", "G1")];

    private static readonly int[] Lengths = [0, 1, 2, 3, 4, 5, 6, 7, 8];

    private static int s_runs;

    public static IReadOnlyList<string> Names { get; } =
    [
        "closure", "nested-scopes", "local-function", "static-local-function", "async-hoisted", "expression-tree", "lambda-in-lambda",
        "captured-delegate", "delegate-capturing-another-variable", "captured-cached-function", "captured-memo", "multicast-delegate",
        "recursive-lambda", "struct-closure", "generic-method", "generic-type", "deep-local-functions", "deep-lambdas", "method-group-over-data",
    ];

    /// <summary>How many times a cached body ran.</summary>
    public static int Runs => Volatile.Read(ref s_runs);

    public static Task<string> Run(string shape, string tenant, bool cached = true) => shape switch
    {
        "closure" => Closure(tenant, cached),
        "nested-scopes" => NestedScopes(tenant, cached),
        "local-function" => LocalFunction(tenant, cached),
        "static-local-function" => StaticLocalFunction(tenant, cached),
        "async-hoisted" => AsyncHoisted(tenant, cached),
        "expression-tree" => ExpressionTree(tenant, cached),
        "lambda-in-lambda" => LambdaInLambda(tenant, cached),
        "captured-delegate" => CapturedDelegate(tenant, cached),
        "delegate-capturing-another-variable" => DelegateCapturingAnotherVariable(tenant, cached),
        "captured-cached-function" => CapturedCachedFunction(tenant, cached),
        "captured-memo" => CapturedMemo(tenant, cached),
        "multicast-delegate" => MulticastDelegate(tenant, cached),
        "recursive-lambda" => RecursiveLambda(tenant, cached),
        "struct-closure" => StructClosure(tenant, cached),
        "generic-method" => Generic<Uri>(tenant, cached),
        "generic-type" => new Holder<string>(tenant).Get(cached)(1),
        "deep-local-functions" => DeepLocalFunctions(tenant, cached),
        "deep-lambdas" => DeepLambdas(tenant, cached),
        "method-group-over-data" => Cache<int, string>(new TenantData(tenant).Describe, cached)(1),
        _ => throw new ArgumentException("Unknown shape " + shape, nameof(shape)),
    };

    private static Func<T, Task<TResult>> Cache<T, TResult>(Func<T, Task<TResult>> function, bool cached) => cached ? Function(function) : function;

    private static void Count() => Interlocked.Increment(ref s_runs);

    private static Task<string> Closure(string tenant, bool cached) =>
        Cache(async (int n) => { Count(); await Task.Yield(); return tenant + n; }, cached)(1);

    private static async Task<string> NestedScopes(string tenant, bool cached)
    {
        var prefix = "p:";
        var result = "";
        foreach (var scoped in new[] { tenant })
        {
            // 'scoped' lives in a closure of the loop body, 'prefix' in the method's: two scopes.
            var get = Cache(async (int n) => { Count(); await Task.Yield(); return prefix + scoped + n; }, cached);
            result = await get(1);
        }

        return result;
    }

    private static Task<string> LocalFunction(string tenant, bool cached)
    {
        string Upper() => tenant.ToUpperInvariant();
        return Cache(async (int n) => { Count(); await Task.Yield(); return Upper() + n; }, cached)(1);
    }

    private static Task<string> StaticLocalFunction(string tenant, bool cached)
    {
        static string Upper(string t) => t.ToUpperInvariant();
        return Cache(async (int n) => { Count(); await Task.Yield(); return Upper(tenant) + n; }, cached)(1);
    }

    private static Task<string> AsyncHoisted(string tenant, bool cached) =>
        Cache(async (int n) =>
        {
            Count();
            var local = tenant;
            await Task.Yield();
            await Task.Yield();
            return local + n;
        }, cached)(1);

    private static Task<string> ExpressionTree(string tenant, bool cached) =>
        Cache(async (int n) =>
        {
            Count();
            await Task.Yield();
            return string.Join(",", Rows.AsQueryable().Where(r => r.Tenant == tenant).Select(r => r.Row)) + n;
        }, cached)(1);

    private static Task<string> LambdaInLambda(string tenant, bool cached) =>
        Cache(async (int n) =>
        {
            Count();
            Func<string> name = () => tenant;
            await Task.Yield();
            return name() + n;
        }, cached)(1);

    private static Task<string> CapturedDelegate(string tenant, bool cached)
    {
        Func<string> name = () => tenant;
        return Cache(async (int n) => { Count(); await Task.Yield(); return name() + n; }, cached)(1);
    }

    private static Task<string> DelegateCapturingAnotherVariable(string tenant, bool cached)
    {
        var min = tenant.Length;
        Func<int, bool> keep = p => p >= min;
        return Cache(async (int n) => { Count(); await Task.Yield(); return string.Join(",", Lengths.Where(keep)) + n; }, cached)(1);
    }

    private static Task<string> CapturedCachedFunction(string tenant, bool cached)
    {
        var inner = Cache(async (int n) => { await Task.Yield(); return tenant + n; }, cached);
        return Cache(async (int n) => { Count(); return await inner(n) + "!"; }, cached)(1);
    }

    private static Task<string> CapturedMemo(string tenant, bool cached)
    {
        var name = Memo((int n) => tenant + n);
        return Cache(async (int n) => { Count(); await Task.Yield(); return name(n); }, cached)(1);
    }

    private static Task<string> MulticastDelegate(string tenant, bool cached)
    {
        Action<List<string>> steps = log => log.Add(tenant);
        steps += log => log.Add("!");
        return Cache(async (int n) =>
        {
            Count();
            await Task.Yield();
            var log = new List<string>();
            steps(log);
            return string.Join("", log) + n;
        }, cached)(1);
    }

    private static Task<string> RecursiveLambda(string tenant, bool cached)
    {
        Func<int, string> repeat = null!;
        repeat = k => k == 0 ? "" : tenant + repeat(k - 1);
        return Cache(async (int n) => { Count(); await Task.Yield(); return repeat(2) + n; }, cached)(1);
    }

    private static Task<string> StructClosure(string tenant, bool cached) =>
        Cache(async (int n) =>
        {
            Count();
            var suffix = "!";
            string Add() => tenant + suffix;
            await Task.Yield();
            return Add() + n;
        }, cached)(1);

    private static Task<string> Generic<T>(string tenant, bool cached) =>
        Cache(async (int n) => { Count(); await Task.Yield(); return typeof(T).Name + tenant + n; }, cached)(1);

    private static Task<string> DeepLocalFunctions(string tenant, bool cached)
    {
        return Cache(async (int n) => { Count(); await Task.Yield(); return L1(n); }, cached)(1);

        string L1(int x) => L2(x);
        string L2(int x) => L3(x);
        string L3(int x) => L4(x);
        string L4(int x) => L5(x);
        string L5(int x) => L6(x);
        string L6(int x) => L7(x);
        string L7(int x) => L8(x);
        string L8(int x) => L9(x);
        string L9(int x) => L10(x);
        string L10(int x) => L11(x);
        string L11(int x) => tenant + x;
    }

    private static Task<string> DeepLambdas(string tenant, bool cached) =>
        Cache(async (int n) =>
        {
            Count();
            await Task.Yield();
            return Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => tenant + n))))))))));
        }, cached)(1);

    private static string Call(Func<string> inner) => inner();

    private sealed class Holder<T>(T value)
    {
        public Func<int, Task<string>> Get(bool cached)
        {
            // A copy: reading the primary constructor parameter inside the lambda would capture 'this', which is not data.
            var captured = value;
            return Cache(async (int n) => { Count(); await Task.Yield(); return typeof(T).Name + captured + n; }, cached);
        }
    }

    /// <summary>Plain data (public state only): a method group over it is keyed by its data.</summary>
    public sealed record TenantData(string Tenant)
    {
        public async Task<string> Describe(int n)
        {
            Count();
            await Task.Yield();
            return Tenant + n;
        }
    }
}
