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

    [Theory]
    [InlineData("max", false)]
    [InlineData("expire-now", true)]
    [InlineData(null, true)]
    public async Task RevalidateTag_CallsRevalidatedAndMarksThePath_OnlyWhenItExpiresNow(string? profile, bool expected)
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action);
        var calls = 0;
        request.Revalidated = _ =>
        {
            calls++;
            return Task.CompletedTask;
        };

        await (profile switch
        {
            null => RevalidateTag("products"),
            "expire-now" => RevalidateTag("products", new CacheLifeProfile { Expire = 0 }),
            _ => RevalidateTag("products", profile),
        });

        Assert.Equal(expected ? 1 : 0, calls);
        Assert.Equal(expected, request.PathWasRevalidated);
    }

    [Fact]
    public void Refresh_CallsRevalidatedWithNoTags()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action);
        IReadOnlyList<string>? seen = null;
        request.Revalidated = tags =>
        {
            seen = tags;
            return Task.CompletedTask;
        };

        Refresh();

        Assert.Equal([], seen);
    }
}
