using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Tags;

/// <summary>
/// After <c>UpdateTag</c>, a read never returns what a run that started before it produced, even when that run is still in
/// flight (a miss or a background refresh) and the read would otherwise wait for it (issue 8, item 8).
/// </summary>
public sealed class ReadYourOwnWritesTests
{
    /// <summary>The data the cached function reads: infrastructure, not part of the key.</summary>
    internal sealed class Source
    {
        public int Version;

        public Gate? Hold;

        public TaskCompletionSource? Reading;

        [System.Runtime.CompilerServices.ModuleInitializer]
        internal static void RegisterAsPassThrough() => CacheKeyPassThrough.Register(typeof(Source));
    }

    internal static Func<string, Task<string>> Reader(Source source) =>
        Function(async (string id) =>
        {
            CacheTag("item-" + id);
            CacheLife("minutes");
            var version = Volatile.Read(ref source.Version); // read before waiting: the run sees the data of its start
            source.Reading?.TrySetResult();
            if (source.Hold is { } hold)
            {
                await hold.WaitAsync();
            }

            return $"{id}@{version}";
        });

    [Fact]
    public async Task AReadAfterUpdateTag_DoesNotJoinAMissThatStartedBeforeIt()
    {
        using var t = new TestRuntime();
        var gate = new Gate();
        var source = new Source { Hold = gate };
        var get = Reader(source);
        var early = get("a"); // a miss, in flight, that read version 0
        t.Advance(1);
        source.Hold = null;

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
        {
            source.Version = 1;
            await UpdateTag("item-a");
            var read = get("a");
            gate.Open(); // the early run finishes with the data it read before the write
            Assert.Equal("a@1", await read);
        }

        Assert.Equal("a@0", await early); // the read that started before the write may see the old data
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render))
        {
            Assert.Equal("a@1", await get("a")); // every later request sees the new one
        }
    }

    [Fact]
    public async Task AReadInAnotherRequestAfterUpdateTag_DoesNotJoinABackgroundRefreshThatStartedBeforeIt()
    {
        using var t = new TestRuntime();
        var source = new Source();
        var get = Reader(source);
        Assert.Equal("a@0", await get("a"));
        t.Advance(61); // stale: the next read refreshes in the background

        var gate = new Gate();
        source.Hold = gate;
        source.Reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Equal("a@0", await get("a")); // served stale; the refresh reads version 0 and waits
        await source.Reading.Task;
        source.Reading = null;
        t.Advance(1);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
        {
            source.Version = 1;
            await UpdateTag("item-a");
        }

        source.Hold = null;
        t.Advance(1);
        Task<string> read;
        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Render))
        {
            read = get("a");
            gate.Open(); // the refresh finishes with the data it read before the write
            Assert.Equal("a@1", await read);
        }

        await t.Runtime.FlushAsync();
        Assert.Equal("a@1", await get("a"));
    }
}
