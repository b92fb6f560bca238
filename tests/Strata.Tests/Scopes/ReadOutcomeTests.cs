using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Scopes;

/// <summary><see cref="CacheRequest.Outcome"/>: how the reads of a request were answered, taken together.</summary>
public sealed class ReadOutcomeTests
{
    private sealed record Item(string Id, int Version);

    private static Func<string, Task<Item>> Counted(Counter calls) =>
        Function(async (string id) => { await Task.Yield(); CacheLife("minutes"); return new Item(id, calls.Next()); });

    [Fact]
    public void Outcome_IsNull_WhenTheRequestReadNoCache()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest();

        Assert.Null(request.Outcome);
    }

    [Fact]
    public async Task Outcome_IsMiss_WhenARunMadeTheEntry_AndHit_WhenTheNextRequestFindsItFresh()
    {
        using var t = new TestRuntime();
        var get = Counted(new Counter());
        CacheReadOutcome? first, second;
        using (var request = t.Runtime.BeginRequest())
        {
            await get("a");
            await get("a"); // deduplicated: the same answer as the first call
            first = request.Outcome;
        }

        using (var request = t.Runtime.BeginRequest())
        {
            await get("a");
            second = request.Outcome;
        }

        Assert.Equal(CacheReadOutcome.Miss, first);
        Assert.Equal(CacheReadOutcome.Hit, second);
    }

    [Fact]
    public async Task Outcome_IsStale_WhenOneReadServedAStaleValue_EvenIfAnotherRan()
    {
        using var t = new TestRuntime();
        var get = Counted(new Counter());
        await get("a");
        t.Advance(61); // past revalidate (60 s), before expire

        using var request = t.Runtime.BeginRequest();
        await get("b"); // a miss
        await get("a"); // stale
        await get("b"); // deduplicated miss
        var outcome = request.Outcome;
        await t.Runtime.FlushAsync();

        Assert.Equal(CacheReadOutcome.Stale, outcome);
    }
}
