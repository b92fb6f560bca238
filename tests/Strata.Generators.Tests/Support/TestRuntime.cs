using Microsoft.Extensions.Time.Testing;

namespace Strata.Generators.Tests.Support;

/// <summary>A runtime on fake time, made current for the test's asynchronous flow (tests/Strata.Tests uses the same pattern).</summary>
internal sealed class TestRuntime : IDisposable
{
    private readonly IDisposable _use;

    public TestRuntime()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        Runtime = new CacheRuntime(
            new StrataOptions { BuildId = "test-" + Guid.NewGuid().ToString("N") },
            [new KeyValuePair<string, ICacheHandler>(Samples.Archive.Kind, new MemoryCacheHandler(timeProvider: Time))],
            Time);
        _use = Runtime.Use();
    }

    public FakeTimeProvider Time { get; }

    public CacheRuntime Runtime { get; }

    public void Advance(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public void Dispose() => _use.Dispose();
}
