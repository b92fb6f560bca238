using System.Globalization;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Keys;

/// <summary>
/// Issue 8, item 4: a delegate is keyed by identity, as Next.js keys a server reference by its id and bound arguments:
/// the method, then what its target holds.
/// </summary>
public sealed class DelegateKeyTests
{
    [Fact]
    public async Task ACapturedDelegate_KeysWhatItCaptures()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        int[] prices = [5, 10, 20];

        async Task<int[]> Above(int min)
        {
            Func<int, bool> keep = p => p >= min;
            var get = Function(async (string list) =>
            {
                calls.Next();
                await Task.Yield();
                return prices.Where(keep).ToArray();
            });
            return await get("prices");
        }

        Assert.Equal(new[] { 10, 20 }, await Above(10));
        Assert.Equal(new[] { 20 }, await Above(20));
        Assert.Equal(new[] { 10, 20 }, await Above(10));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ADelegateArgument_IsKeyedByItsMethodAndWhatItCaptures()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var filter = Function(async (string list, Func<int, bool> keep) =>
        {
            calls.Next();
            await Task.Yield();
            return new[] { 5, 10, 20 }.Where(keep).ToArray();
        });

        Func<int, bool> Above(int min) => p => p >= min;

        Assert.Equal(new[] { 10, 20 }, await filter("prices", Above(10)));
        Assert.Equal(new[] { 20 }, await filter("prices", Above(20)));
        Assert.Equal(new[] { 10, 20 }, await filter("prices", Above(10)));
        Assert.Equal(new[] { 5 }, await filter("prices", p => p < 10));
        Assert.Equal(3, calls.Count);
    }

    [Fact]
    public async Task AStaticMethodGroupArgument_IsKeyedByTheMethod()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var format = Function(async (decimal price, Func<decimal, string> formatter) =>
        {
            calls.Next();
            await Task.Yield();
            return formatter(price);
        });

        Assert.Equal("1.50", await format(1.5m, Formats.Plain));
        Assert.Equal("$1.50", await format(1.5m, Formats.Dollars));
        Assert.Equal("1.50", await format(1.5m, Formats.Plain));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ACapturedCachedFunction_KeysWhatItsLambdaCaptured()
    {
        using var t = new TestRuntime();
        var calls = new Counter();

        async Task<string> Page(string tenant)
        {
            var name = Function(async (string id) =>
            {
                await Task.Yield();
                return $"{tenant}:{id}";
            });
            var page = Function(async (string id) =>
            {
                calls.Next();
                return "<h1>" + await name(id) + "</h1>";
            });
            return await page("p1");
        }

        Assert.Equal("<h1>acme:p1</h1>", await Page("acme"));
        Assert.Equal("<h1>globex:p1</h1>", await Page("globex"));
        Assert.Equal("<h1>acme:p1</h1>", await Page("acme"));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task AMulticastDelegate_IsKeyedByEachInvocationInOrder()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var run = Function(async (string id, Action<List<string>> steps) =>
        {
            calls.Next();
            await Task.Yield();
            var log = new List<string>();
            steps(log);
            return string.Join(",", log);
        });

        Action<List<string>> Step(string name) => log => log.Add(name);

        Assert.Equal("a,b", await run("x", Step("a") + Step("b")));
        Assert.Equal("b,a", await run("x", Step("b") + Step("a")));
        Assert.Equal("a,b", await run("x", Step("a") + Step("b")));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ADelegateOverAnObjectThatIsNotData_IsRefused_NamingTheArgument()
    {
        using var t = new TestRuntime();
        var format = Function(async (decimal price, Func<decimal, string> formatter) =>
        {
            await Task.Yield();
            return formatter(price);
        });
        var formatter = new Formatter();

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => format(1m, formatter.Format));

        Assert.Equal("formatter", error.ParamName);
        Assert.Contains("Argument 'formatter' cannot be part of a cache key", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Formatter), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellationTokens_StayOutOfTheKey()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id, CancellationToken token) =>
        {
            calls.Next();
            await Task.Yield();
            return id;
        });
        using var source = new CancellationTokenSource();

        await get("a", CancellationToken.None);
        await get("a", source.Token);

        Assert.Equal(1, calls.Count);
    }

    private static class Formats
    {
        public static string Plain(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

        public static string Dollars(decimal d) => "$" + d.ToString("0.00", CultureInfo.InvariantCulture);
    }

    private sealed class Formatter
    {
        private readonly string _format = "0.00";

        public string Format(decimal d) => d.ToString(_format, CultureInfo.InvariantCulture);
    }
}
