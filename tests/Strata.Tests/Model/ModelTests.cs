using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Strata.Tests.Model;

/// <summary>
/// Randomized, seeded operation sequences on the engine with the memory handler, compared observable by observable with the
/// reference model (<see cref="CacheModel"/>). A divergence fails with the seed and a shrunk sequence. How many sequences and
/// which seeds: <see cref="ModelSettings"/>.
/// </summary>
public sealed class ModelTests(ITestOutputHelper output)
{
    [Fact]
    public Task RandomSequences_OnTheMemoryHandler_AgreeWithTheModel() =>
        ModelSettings.RunAsync(output, time => Task.FromResult(MemoryRuntime(time, debug: false)));

    [Fact]
    public Task RandomSequences_WithDebugLogging_AgreeWithTheModel() =>
        ModelSettings.RunAsync(output, time => Task.FromResult(MemoryRuntime(time, debug: true)), share: 4);

    private static RuntimeUnderTest MemoryRuntime(FakeTimeProvider time, bool debug) => new(
        new CacheRuntime(ModelSettings.Options(debug), timeProvider: time),
        () => ValueTask.CompletedTask);
}
