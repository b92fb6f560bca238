using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Scopes;

public sealed class NestingTests
{
    [Fact]
    public async Task InnerTagsAndShorterLifetimes_PropagateToTheOuterEntry()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var inner = Function(async () =>
        {
            await Task.Yield();
            CacheTag("inner");
            CacheLife(stale: 60, revalidate: 120, expire: 600);
            return "i";
        });
        var outer = Function(async () =>
        {
            CacheTag("outer");
            return "o" + await inner();
        });

        await outer();

        await t.Runtime.FlushAsync();
        var entry = recorder.Sets.Single(e => e.Tags.Contains("outer"));
        Assert.Equal(["outer", "inner"], entry.Tags);
        Assert.Equal((60d, 120d, 600d), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public async Task AnExplicitOuterCacheLife_WinsOverAShorterInnerOne()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var inner = Function(async () =>
        {
            await Task.Yield();
            CacheLife("seconds");
            return "i";
        });
        var outer = Function(async () =>
        {
            CacheLife("hours");
            return "o" + await inner();
        });

        await outer();

        await t.Runtime.FlushAsync();
        var entry = recorder.Sets.Single(e => e.Value.Read<string>() == "oi");
        Assert.Equal((300d, 3600d, 86400d), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public async Task AnInnerHit_PropagatesAsMuchAsAnInnerMiss()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var inner = Function(async () =>
        {
            await Task.Yield();
            CacheTag("inner");
            CacheLife(expire: 500);
            return "i";
        });
        var outer = Function(async (int n) => n + await inner());

        await outer(1);
        await outer(2);

        await t.Runtime.FlushAsync();
        var second = recorder.Sets.Single(e => e.Value.Read<string>() == "2i");
        Assert.Equal(["inner"], second.Tags);
        Assert.Equal(500d, second.Expire);
    }

    [Fact]
    public async Task RevalidatingAnInnerTag_AlsoExpiresTheOuterEntry()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var inner = Function(async () =>
        {
            await Task.Yield();
            CacheTag("prices");
            return calls.Next();
        });
        var outer = Function(async () => "page with price " + await inner());
        var before = await outer();
        t.Advance(1);

        using (t.Runtime.BeginRequest(phase: CacheRequestPhase.Action))
        {
            await UpdateTag("prices");
        }

        t.Advance(1);
        Assert.NotEqual(before, await outer());
    }

    [Fact]
    public async Task APrivateCacheInsideAPublicOne_IsAnError()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest();
        var inner = Function(async () => { await Task.Yield(); return 1; }, "private");
        var outer = Function(async () => await inner(), "remote");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => outer());

        Assert.Equal("[UseCache(\"private\")] must not be used within [UseCache]. It can only be nested inside of another [UseCache(\"private\")].", error.Message);
    }

    [Fact]
    public async Task PublicCachesInsideAPrivateOne_AreAllowed_AndPropagate()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest();
        var inner = Function(async () =>
        {
            await Task.Yield();
            CacheLife(stale: 42);
            return 1;
        });
        var innerPrivate = Function(async () => { await Task.Yield(); return 2; }, "private");
        var outer = Function(async () => await inner() + await innerPrivate(), "private");

        Assert.Equal(3, await outer());
        Assert.Equal(42, request.Stale);
        Assert.True(request.UsedPrivateCache);
    }

    [Fact]
    public async Task ARemoteCacheInsideAPrivateOne_IsAnError_OnAMissAndOnAHit()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest();
        var inner = Function(async () => { await Task.Yield(); return 1; }, "remote");
        var outer = Function(async () => await inner(), "private");
        Assert.Equal(1, await inner()); // stored: the nested call below would be a hit

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => outer());

        Assert.StartsWith("[UseCache(\"remote\")] must not be used within [UseCache(\"private\")].", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APrivateCacheInARouteHandler_IsAnError_NamingTheRoute()
    {
        using var t = new TestRuntime();
        using var request = t.Runtime.BeginRequest(route: "/api/mine");
        request.IsRouteHandler = true;
        var get = Function(async () => { await Task.Yield(); return 1; }, "private");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => get());

        Assert.StartsWith("Route /api/mine used [UseCache(\"private\")] in an endpoint. Private caches are not available in Route Handlers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APrivateCacheOutsideARequest_IsAnError()
    {
        using var t = new TestRuntime();
        var get = Function(async () => { await Task.Yield(); return 1; }, "private");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => get());

        Assert.StartsWith("[UseCache(\"private\")] cannot be used outside of a request context.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APrivateCache_IsNeverStoredOnTheServer_ButIsDedupedWithinARequest()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var calls = new Counter();
        var get = Function(async (string id) => { await Task.Yield(); return calls.Next(); }, "private");

        using (t.Runtime.BeginRequest())
        {
            Assert.Equal(await get("a"), await get("a"));
        }

        using (t.Runtime.BeginRequest())
        {
            await get("a");
        }

        Assert.Equal(2, calls.Count);
        Assert.Empty(recorder.Calls);
    }

    [Fact]
    public async Task RemoteInsideDefault_AndDefaultInsideRemote_AreAllowed_EachStoredByItsKind_WithTagsAndLifetimesPropagated()
    {
        var time = TestRuntime.NewClock();
        var local = new RecordingHandler(new MemoryCacheHandler(timeProvider: time));
        var remote = new RecordingHandler(new MemoryCacheHandler(timeProvider: time));
        using var t = new TestRuntime(handlers: [new("default", local), new("remote", remote)], time: time);
        var innerRemote = Function(async () => { await Task.Yield(); CacheTag("inner"); CacheLife(revalidate: 60, expire: 600); return 1; }, "remote");
        var outerDefault = Function(async () => { CacheTag("middle"); return await innerRemote() + 1; });
        var outerRemote = Function(async () => { CacheTag("outer"); return await outerDefault() + 1; }, "remote");

        Assert.Equal(3, await outerRemote());
        await t.Runtime.FlushAsync();

        var middle = Assert.Single(local.Sets);
        Assert.Equal(["middle", "inner"], middle.Tags);
        Assert.Equal((60d, 600d), (middle.Revalidate, middle.Expire));
        Assert.Equal(2, remote.Sets.Count);
        var outer = remote.Sets.Single(e => e.Tags.Contains("outer"));
        Assert.Equal(["outer", "middle", "inner"], outer.Tags);
        Assert.Equal((60d, 600d), (outer.Revalidate, outer.Expire));
        Assert.Equal(3, await outerRemote()); // a hit of the outermost entry
        Assert.Equal(3, remote.Sets.Count + local.Sets.Count);
    }
}
