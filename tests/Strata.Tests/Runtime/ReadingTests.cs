using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Runtime;

public sealed class ReadingTests
{
    private sealed record Item(string Id, int Version);

    [Fact]
    public async Task SameArguments_Hit_DifferentArguments_Miss()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id) =>
        {
            await Task.Yield();
            return new Item(id, calls.Next());
        });

        var first = await get("a");
        var again = await get("a");
        var other = await get("b");

        Assert.Same(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(2, calls.Count);
    }
}
