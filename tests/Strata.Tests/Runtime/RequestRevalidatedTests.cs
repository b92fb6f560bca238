using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Runtime;

public sealed class RequestRevalidatedTests
{
    [Fact]
    public async Task Revalidated_IsCalledWithTheTags_AfterUpdateTag()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action);
        IReadOnlyList<string>? seen = null;
        request.Revalidated = tags =>
        {
            seen = tags;
            return Task.CompletedTask;
        };

        await UpdateTag("products");

        Assert.Equal(["products"], seen);
    }

    [Fact]
    public async Task UpdateTag_CompletesOnlyAfterRevalidatedCompletes()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        request.Revalidated = _ => gate.Task;

        var update = UpdateTag("products");
        var before = update.IsCompleted;
        gate.SetResult();
        await update;

        Assert.False(before);
    }

    [Fact]
    public async Task RevalidatePath_CallsRevalidatedWithTheImplicitTag()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Handler);
        IReadOnlyList<string>? seen = null;
        request.Revalidated = tags =>
        {
            seen = tags;
            return Task.CompletedTask;
        };

        await RevalidatePath("/product/1");

        Assert.Equal(["_N_T_/product/1"], seen);
    }
}
