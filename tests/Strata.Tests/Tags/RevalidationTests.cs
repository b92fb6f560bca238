using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Tags;

public sealed class RevalidationTests
{
    private static Func<string, Task<string>> Tagged(Counter calls) =>
        Function(async (string tag) =>
        {
            await Task.Yield();
            CacheTag(tag);
            return $"{tag}#{calls.Next()}";
        });

    [Fact]
    public async Task UpdateTag_ExpiresNow_SoTheNextReadWaitsForAFreshValue()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Tagged(calls);
        var old = await get("products");
        t.Advance(1);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
        {
            await UpdateTag("products");
        }

        t.Advance(1);
        var fresh = await get("products");
        t.Advance(1);

        Assert.NotEqual(old, fresh);
        Assert.Equal(fresh, await get("products"));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task RevalidateTagWithAProfile_ServesTheStaleValueOnce_ThenTheRefreshedOne()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Tagged(calls);
        var old = await get("products");
        t.Advance(1);

        await RevalidateTag("products", "max");
        t.Advance(1);

        Assert.Equal(old, await get("products"));
        await t.Runtime.FlushAsync();
        var refreshed = await get("products");

        Assert.NotEqual(old, refreshed);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task RevalidateTagWithAProfile_ExpiresTheEntriesAfterTheProfilesExpire()
    {
        using var t = new TestRuntime(o => o.CacheLife["brief"] = new CacheLifeProfile { Expire = 60 });
        var tags = t.Memory.Tags;
        t.Advance(1);

        await RevalidateTag("products", "brief");

        var now = t.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(new TagState(now, Expired: null, ExpiresAt: now + 60_000), tags["products"]);
    }

    [Fact]
    public async Task RevalidateTagWithoutAProfile_WarnsAndExpiresNow()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Tagged(calls);
        var old = await get("products");
        t.Advance(1);

        await RevalidateTag("products");
        t.Advance(1);

        Assert.NotEqual(old, await get("products"));
        Assert.Contains(
            "\"RevalidateTag\" without the second argument is now deprecated, add second argument of \"max\" or use \"UpdateTag\". See more info here: https://nextjs.org/docs/messages/revalidate-tag-single-arg",
            t.Logs.Warnings);
    }

    [Fact]
    public async Task RevalidateTagWithAnUnknownProfile_IsAnError()
    {
        using var t = new TestRuntime();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => RevalidateTag("products", "hourly"));

        Assert.StartsWith("Invalid profile provided \"hourly\" must be configured under CacheLife in the Strata options or be \"max\".", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateTagOutsideAServerAction_IsAnError()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Handler);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => UpdateTag("products"));

        Assert.Equal(
            "UpdateTag can only be called from within a Server Action. To invalidate cache tags in Route Handlers or other contexts, use RevalidateTag instead. See more info here: https://nextjs.org/docs/app/api-reference/functions/updateTag",
            error.Message);
    }

    [Fact]
    public async Task UpdateTagWithoutARequest_IsAnError()
    {
        using var t = new TestRuntime();

        await Assert.ThrowsAsync<InvalidOperationException>(() => UpdateTag("products"));
    }

    [Theory]
    [InlineData("RevalidateTag")]
    [InlineData("UpdateTag")]
    [InlineData("RevalidatePath")]
    public async Task RevalidatingInsideACachedFunction_IsAnError(string api)
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action, route: "/products");
        var get = Function(async () =>
        {
            await Task.Yield();
            await (api switch
            {
                "RevalidateTag" => RevalidateTag("foo", "max"),
                "UpdateTag" => UpdateTag("foo"),
                _ => RevalidatePath("/foo"),
            });
            return 1;
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => get());

        var expression = api == "RevalidatePath" ? "RevalidatePath /foo" : $"{api} foo";
        Assert.Equal(
            $"Route /products used \"{expression}\" inside a [UseCache] which is unsupported. To ensure revalidation is performed consistently it must always happen outside of renders and cached functions. See more info here: https://nextjs.org/docs/app/building-your-application/rendering/static-and-dynamic#dynamic-rendering",
            error.Message);
    }

    [Fact]
    public async Task RevalidatingDuringRender_IsAnError()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Render, route: "/products");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RevalidateTag("foo", "max"));

        Assert.StartsWith("Route /products used \"RevalidateTag foo\" during render which is unsupported.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterARevalidationInARequest_LaterReadsInThatRequestSkipEntriesWithTheTag()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Tagged(calls);
        var before = await get("products");
        t.Advance(1);

        using var request = t.Runtime.BeginRequest(phase: CacheRequestPhase.Handler);
        var first = await get("products");
        await RevalidateTag("products", "max");
        var second = await get("products");

        Assert.Equal(before, first);
        Assert.NotEqual(first, second);
        Assert.Contains("products", request.RevalidatedTags);
    }

    [Fact]
    public async Task Refresh_OnlyInAServerAction_MarksThePathAsRevalidated()
    {
        using var t = new TestRuntime();
        using (var render = t.Runtime.BeginRequest(phase: CacheRequestPhase.Render))
        {
            var error = Assert.Throws<InvalidOperationException>(Refresh);
            Assert.Equal("Refresh can only be called from within a Server Action. See more info here: https://nextjs.org/docs/app/api-reference/functions/refresh", error.Message);
        }

        using var action = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action);
        Refresh();
        Assert.True(action.PathWasRevalidated);
        Assert.Empty(action.RevalidatedTags);
    }

    [Fact]
    public async Task UpdateTag_MarksThePathAsRevalidated_RevalidateTagWithAProfileDoesNot()
    {
        using var t = new TestRuntime();
        using (var action = t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
        {
            await RevalidateTag("a", "max");
            Assert.False(action.PathWasRevalidated);
            await UpdateTag("a");
            Assert.True(action.PathWasRevalidated);
        }
    }

    [Fact]
    public async Task TagOperations_ReachEveryDistinctHandlerOnce()
    {
        var shared = new RecordingHandler(new MemoryCacheHandler());
        var custom = new RecordingHandler(new MemoryCacheHandler());
        using var t = new TestRuntime(handlers: [new("default", shared), new("remote", shared), new("catalog", custom)]);

        await RevalidateTag("modern", "max");

        Assert.Equal(["updateTags modern"], shared.Calls);
        Assert.Equal(["updateTags modern"], custom.Calls);
    }
}
