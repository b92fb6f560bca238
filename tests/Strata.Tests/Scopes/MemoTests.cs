using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Scopes;

public sealed class MemoTests
{
    [Fact]
    public async Task InsideACachedFunction_TwoMemoCallsReturnTheSameValue()
    {
        using var t = new TestRuntime();
        var random = Memo(() => Guid.NewGuid());
        var get = Function(async () =>
        {
            await Task.Yield();
            return (random(), random());
        });

        var (a, b) = await get();

        Assert.Equal(a, b);
    }

    [Fact]
    public async Task ValuesMemoizedOutsideACachedFunction_AreNotVisibleInside()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest();
        var store = Memo(() => new Box());
        store().Current = "value from parent";
        var child = Function(async () =>
        {
            await Task.Yield();
            return store().Current ?? "null";
        });

        Assert.Equal("null", await child());
        Assert.Equal("value from parent", store().Current);
    }

    [Fact]
    public void WithinARequest_MemoizedValuesAreShared_AcrossRequestsTheyAreNot()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var load = Memo((string id) => $"{id}:{calls.Next()}");

        string first;
        using (t.Runtime.BeginRequest())
        {
            first = load("a");
            Assert.Equal(first, load("a"));
            Assert.NotEqual(first, load("b"));
        }

        using (t.Runtime.BeginRequest())
        {
            Assert.NotEqual(first, load("a"));
        }
    }

    [Fact]
    public void OutsideARequest_AMemoizedFunctionJustRuns()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var load = Memo(() => calls.Next());

        Assert.NotEqual(load(), load());
    }

    private sealed class Box
    {
        public string? Current { get; set; }
    }
}
