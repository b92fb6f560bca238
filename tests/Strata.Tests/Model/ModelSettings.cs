using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Strata.Tests.Model;

/// <summary>
/// How many sequences the model tests run, from which seeds. By default <see cref="DefaultSequences"/> sequences of
/// <see cref="DefaultLength"/> operations from a fixed base seed (a few seconds). Environment variables:
/// <c>STRATA_MODEL_SEQUENCES</c> (e.g. 20000 for a long run), <c>STRATA_MODEL_LENGTH</c>, <c>STRATA_MODEL_SEED</c> (a number,
/// or <c>random</c> for a new base seed each run; the seed of a failing sequence is printed, and
/// <c>STRATA_MODEL_SEED=&lt;seed&gt; STRATA_MODEL_SEQUENCES=1</c> replays it).
/// </summary>
internal static class ModelSettings
{
    public const int DefaultSequences = 2000;
    public const int DefaultLength = 50;
    public const int DefaultSeed = 20261126;

    public static int Sequences => Number("STRATA_MODEL_SEQUENCES") ?? DefaultSequences;

    public static int Length => Number("STRATA_MODEL_LENGTH") ?? DefaultLength;

    public static int BaseSeed => Environment.GetEnvironmentVariable("STRATA_MODEL_SEED") switch
    {
        "random" => Random.Shared.Next(),
        { } value when int.TryParse(value, out var seed) => seed,
        _ => DefaultSeed,
    };

    /// <summary>The options of a runtime under test: a fresh build id, and a failed refresh tried again on the next read.</summary>
    public static StrataOptions Options(bool debug = false) =>
        new() { BuildId = "model-" + Guid.NewGuid().ToString("N"), FailSafeRetryInterval = TimeSpan.Zero, DebugCache = debug };

    /// <summary>Runs <see cref="Sequences"/>/<paramref name="share"/> sequences against runtimes from <paramref name="create"/>.</summary>
    public static async Task RunAsync(ITestOutputHelper output, Func<FakeTimeProvider, Task<RuntimeUnderTest>> create, int share = 1, bool concurrency = true)
    {
        var baseSeed = BaseSeed;
        var count = Math.Max(1, Sequences / share);
        output.WriteLine($"{count} sequences of {Length} operations, seeds {baseSeed}..{baseSeed + count - 1}");
        for (var i = 0; i < count; i++)
        {
            var seed = unchecked(baseSeed + i);
            var ops = new Generator(seed).Sequence(Length, concurrency);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var divergence = await ModelRunner.RunAsync(ops, create);
            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) is { TotalSeconds: > 2 } slow)
            {
                output.WriteLine($"seed {seed} took {slow.TotalSeconds:0.0} s");
            }

            if (divergence is not null)
            {
                var (shrunk, found) = await ModelRunner.ShrinkAsync(ops, divergence, create);
                Assert.Fail(ModelRunner.Describe(seed, shrunk, found));
            }
        }
    }

    private static int? Number(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : null;
}
