using System.Globalization;
using Strata.Tests.Keys.Shapes;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Keys;

/// <summary>
/// Random captured values (strings, numbers, tenants, records, delegates) in random call orders: every cached result
/// must equal what running the body directly returns (a wrong hit is a result that differs). Seeded: a failure names its
/// seed; replay it with STRATA_KEYS_SEED=&lt;seed&gt;.
/// </summary>
[Collection(nameof(KeyShapes))]
public sealed class RandomizedKeyTests
{
    private const int Steps = 300;

    private static readonly string[] Tenants = ["", "a", "ab", "acme", "Acme", "globex"];

    public static TheoryData<int> Seeds =>
        Environment.GetEnvironmentVariable("STRATA_KEYS_SEED") is { Length: > 0 } seed
            ? new TheoryData<int>(int.Parse(seed, CultureInfo.InvariantCulture))
            : new TheoryData<int>(1, 2, 3, 4, 5, 6, 7, 8);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task CachedResults_EqualDirectRuns_ForRandomCapturedValuesAndCallOrders(int seed)
    {
        using var t = new TestRuntime();
        var random = new Random(seed);
        var hits = 0;
        for (var step = 0; step < Steps; step++)
        {
            var (what, cached, direct) = random.Next(3) switch
            {
                0 => Shape(random),
                1 => Captured(random),
                _ => DelegateArgument(random),
            };
            var expected = await direct();
            var runsBefore = Runs;
            var actual = await cached();
            hits += Runs == runsBefore ? 1 : 0;
            Assert.True(
                expected == actual,
                $"Seed {seed}, step {step}: {what} returned \"{actual}\" from the cache, but running it directly returns \"{expected}\". Replay with STRATA_KEYS_SEED={seed}.");
        }

        // The values repeat often enough that most calls are hits: the comparison above is about hits, not only misses.
        Assert.True(hits > Steps / 4, $"Seed {seed}: only {hits} of {Steps} calls were hits.");
    }

    private static int s_bodyRuns;

    /// <summary>How many bodies ran so far (shapes and this test's lambdas).</summary>
    private static int Runs => KeyShapes.Runs + Volatile.Read(ref s_bodyRuns);

    private static (string What, Func<Task<string>> Cached, Func<Task<string>> Direct) Shape(Random random)
    {
        var shape = KeyShapes.Names[random.Next(KeyShapes.Names.Count)];
        var tenant = Tenants[random.Next(Tenants.Length)];
        return ($"shape {shape} with tenant \"{tenant}\"", () => KeyShapes.Run(shape, tenant), () => KeyShapes.Run(shape, tenant, cached: false));
    }

    private static (string What, Func<Task<string>> Cached, Func<Task<string>> Direct) Captured(Random random)
    {
        var text = Tenants[random.Next(3)];
        var number = random.Next(-1, 1);
        var filter = new Filter(Tenants[random.Next(2)], random.Next(2));
        var flag = random.Next(2) == 1;
        var argument = random.Next(2);
        var body = Body(text, number, filter, flag);
        var cached = Function(body);
        return ($"a lambda capturing text=\"{text}\" number={number} filter={filter} flag={flag}, called with {argument}", () => cached(argument), () => body(argument));
    }

    private static Func<int, Task<string>> Body(string text, int number, Filter filter, bool flag) =>
        async (int n) =>
        {
            Interlocked.Increment(ref s_bodyRuns);
            await Task.Yield();
            return string.Create(CultureInfo.InvariantCulture, $"{text}|{number}|{filter.Name}/{filter.Page}|{flag}|{n}");
        };

    private static (string What, Func<Task<string>> Cached, Func<Task<string>> Direct) DelegateArgument(Random random)
    {
        var factor = random.Next(3);
        Func<int, int> transform = random.Next(3) switch
        {
            0 => Negate,
            1 => x => x * factor,
            _ => x => x + factor,
        };
        var argument = random.Next(3);
        return ($"a delegate argument ({transform.Method.Name}, factor {factor}) with {argument}", () => Apply(argument, transform), () => ApplyBody(argument, transform));
    }

    private static readonly Func<int, Func<int, int>, Task<string>> ApplyBody = async (int n, Func<int, int> f) =>
    {
        Interlocked.Increment(ref s_bodyRuns);
        await Task.Yield();
        return f(n).ToString(CultureInfo.InvariantCulture);
    };

    private static readonly Func<int, Func<int, int>, Task<string>> Apply = Function(ApplyBody);

    private static int Negate(int x) => -x;

    private sealed record Filter(string Name, int Page);
}
