using Microsoft.Extensions.Logging;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Values;

/// <summary>
/// A result that cannot be copied faithfully is returned to the caller that made it and not stored: the call never fails
/// because of it, nothing is shared, and the application is told once per function what to change.
/// </summary>
public sealed class UncopyableResultTests
{
    /// <summary>State the serializer cannot see: a copy would lose <c>_visits</c>.</summary>
    public sealed class Visits
    {
        private int _visits;

        public string Name { get; set; } = "";

        public int Count => _visits;

        public void Visit() => _visits++;
    }

    /// <summary>Cannot be serialized at all: a cycle.</summary>
    public sealed class Ring
    {
        public int Number { get; set; }

        public Ring? Next { get; set; }

        public static Ring Of(int number)
        {
            var ring = new Ring { Number = number };
            ring.Next = ring;
            return ring;
        }
    }

    public sealed class Cart
    {
        public List<string> Items { get; set; } = [];
    }

    [Fact]
    public async Task AnUnserializableResult_IsReturned_NotThrown()
    {
        using var t = new TestRuntime();
        var get = Function(async (int n) => { await Task.Yield(); return Ring.Of(n); });

        var ring = await get(7);

        Assert.Equal(7, ring.Number);
        Assert.Same(ring, ring.Next);
    }

    [Fact]
    public async Task AnUncopyableResult_IsNotStored()
    {
        var time = TestRuntime.NewClock();
        var memory = new MemoryCacheHandler(timeProvider: time);
        var recorder = new RecordingHandler(memory);
        using var t = new TestRuntime(handlers: [new("default", recorder)], time: time);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new Visits { Name = "a" }; });

        var first = await get(1);
        var second = await get(1);

        Assert.Equal(2, runs.Count);
        Assert.NotSame(first, second);
        Assert.Empty(recorder.Sets);
        Assert.Equal(0, memory.Count);
    }

    [Fact]
    public async Task AnUncopyableResult_IsReportedOnce_PerFunction_WithTheTypeTheReasonAndTheFix()
    {
        using var t = new TestRuntime();
        var get = Function(async (int n) => { await Task.Yield(); return new Visits { Name = "a" }; });
        var other = Function(async (int n) => { await Task.Yield(); return Ring.Of(n); });

        await get(1);
        await get(1);
        await get(2);
        await other(1);
        await other(2);

        var warnings = t.Logs.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal("Strata.Cache", w.Category));
        var visits = Assert.Single(warnings, w => w.Message.Contains(nameof(Visits), StringComparison.Ordinal));
        Assert.Contains("_visits", visits.Message, StringComparison.Ordinal);
        Assert.Contains("not cached", visits.Message, StringComparison.Ordinal);
        Assert.Contains("ImmutableObject", visits.Message, StringComparison.Ordinal);
        Assert.Contains("StrataOptions.Serializer", visits.Message, StringComparison.Ordinal);
        var ring = Assert.Single(warnings, w => w.Message.Contains(nameof(Ring), StringComparison.Ordinal));
        Assert.Contains("cycle", ring.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallersThatJoinedAnUncopyableRun_RunTheFunctionThemselves()
    {
        using var t = new TestRuntime();
        var runs = new Counter();
        var gate = new Gate();
        var get = Function(async (int n) =>
        {
            runs.Next();
            await gate.WaitAsync();
            return new Visits { Name = "shared?" };
        });

        var first = get(1);
        var second = get(1); // joins the run of the first caller
        Assert.Equal(1, runs.Count);
        gate.Open();
        var values = await Task.WhenAll(first, second);

        Assert.Equal(2, runs.Count);
        Assert.NotSame(values[0], values[1]);
    }

    [Fact]
    public async Task CallersThatJoinedACopyableRun_GetTheirOwnCopy()
    {
        using var t = new TestRuntime();
        var runs = new Counter();
        var gate = new Gate();
        var get = Function(async (int n) =>
        {
            runs.Next();
            await gate.WaitAsync();
            return new Cart { Items = ["a"] };
        });

        var first = get(1);
        var second = get(1);
        gate.Open();
        var values = await Task.WhenAll(first, second);

        Assert.Equal(1, runs.Count);
        Assert.NotSame(values[0], values[1]);
        DeepEquality.AssertEqual(values[0], values[1]);
    }

    [Fact]
    public async Task AnUncopyableBackgroundRefresh_KeepsServingTheStaleValue_WithoutAFailure()
    {
        using var t = new TestRuntime();
        var runs = new Counter();
        var get = Function(async (int n) =>
        {
            var run = runs.Next();
            await Task.Yield();
            CacheLife(revalidate: 10, expire: 100);
            return run == 1 ? new Ring { Number = run } : Ring.Of(run); // the refresh makes a cycle
        });
        await get(1);
        t.Advance(20);

        var stale = await get(1);
        await t.Runtime.FlushAsync();
        var again = await get(1);
        await t.Runtime.FlushAsync();

        Assert.Equal(1, stale.Number);
        Assert.Equal(1, again.Number);
        Assert.DoesNotContain(t.Logs.Warnings, w => w.Contains("in the background failed", StringComparison.Ordinal));
        Assert.Single(t.Logs.Warnings, w => w.Contains("not cached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACustomSerializerThatLosesState_IsCaughtByTheRoundTrip()
    {
        using var t = new TestRuntime(o => o.Serializer = new ForgetfulSerializer());
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new Cart { Items = ["a", "b"] }; });

        var miss = await get(1);
        var hit = await get(1);

        Assert.Equal(2, runs.Count);
        DeepEquality.AssertEqual(miss, hit);
    }

    /// <summary>Writes a cart without its last item: what a lossy custom serializer looks like.</summary>
    private sealed class ForgetfulSerializer : ICacheSerializer
    {
        private readonly JsonCacheSerializer _inner = new();

        public void Serialize<T>(T value, System.Buffers.IBufferWriter<byte> destination)
        {
            if (value is Cart { Items.Count: > 0 } cart)
            {
                _inner.Serialize(new Cart { Items = cart.Items[..^1] }, destination);
                return;
            }

            _inner.Serialize(value, destination);
        }

        public T Deserialize<T>(ReadOnlySpan<byte> source) => _inner.Deserialize<T>(source);
    }
}
