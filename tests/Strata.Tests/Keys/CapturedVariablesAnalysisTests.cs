using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Keys;

/// <summary>
/// Issue 8, item 3: the IL scan that finds what a lambda reads never silently drops a field: deep call chains are
/// followed to the end, and a scan that fails keys every captured field.
/// </summary>
public sealed class CapturedVariablesAnalysisTests
{
    [Fact]
    public async Task AVariableReadTwelveLocalFunctionsDeep_IsPartOfTheKey()
    {
        using var t = new TestRuntime();
        var calls = new Counter();

        async Task<string> Load(string tenant)
        {
            var get = Function(async (int id) =>
            {
                calls.Next();
                await Task.Yield();
                return L1(id);
            });
            return await get(1);

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
            string L11(int x) => L12(x);
            string L12(int x) => tenant + x;
        }

        Assert.Equal("acme1", await Load("acme"));
        Assert.Equal("globex1", await Load("globex"));
        Assert.Equal("acme1", await Load("acme"));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task AVariableReadTenLambdasDeep_IsPartOfTheKey()
    {
        using var t = new TestRuntime();
        var calls = new Counter();

        async Task<string> Load(string tenant)
        {
            var get = Function(async (int id) =>
            {
                calls.Next();
                await Task.Yield();
                return Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => Call(() => tenant + id))))))))));
            });
            return await get(1);
        }

        Assert.Equal("acme1", await Load("acme"));
        Assert.Equal("globex1", await Load("globex"));
        Assert.Equal(2, calls.Count);
    }

    private static string Call(Func<string> inner) => inner();
}
