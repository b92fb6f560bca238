using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Tags;

public sealed class CacheTagTests
{
    [Fact]
    public async Task Tags_AreStoredWithTheEntry_WithoutDuplicates()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheTag("a", "b");
            CacheTag("a", "c");
            return 1;
        });

        await get();

        await t.Runtime.FlushAsync();
        Assert.Equal(["a", "b", "c"], Assert.Single(recorder.Sets).Tags);
    }

    [Fact]
    public async Task ATagLongerThan256Characters_IsDroppedWithAWarning()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var longTag = new string('x', 257);
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheTag("ok", longTag, new string('y', 256));
            return 1;
        });

        await get();

        await t.Runtime.FlushAsync();
        Assert.Equal(["ok", new string('y', 256)], Assert.Single(recorder.Sets).Tags);
        var warning = Assert.Single(t.Logs.Warnings);
        Assert.StartsWith("Warning: invalid tags passed to `CacheTag()`: ", warning, StringComparison.Ordinal);
        Assert.Contains($"tag: \"{longTag}\" exceeded max length of 256", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TagsPastThe128th_AreDroppedWithAWarning()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var tags = Enumerable.Range(0, 130).Select(i => "t" + i).ToArray();
        var get = Function(async () =>
        {
            await Task.Yield();
            CacheTag(tags);
            return 1;
        });

        await get();

        await t.Runtime.FlushAsync();
        Assert.Equal(tags.Take(128), Assert.Single(recorder.Sets).Tags);
        Assert.Equal("Warning: exceeded max tag count for `CacheTag()`, dropped tags: t128, t129", Assert.Single(t.Logs.Warnings));
    }

    [Fact]
    public async Task TheCap_AppliesToEachCacheTagCall_NotToTagsThatNestedCachesBrought()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var inner = Enumerable.Range(0, 128).Select(i => "inner" + i).ToArray();
        var child = Function(async () =>
        {
            await Task.Yield();
            CacheTag(inner);
            return 1;
        });
        var outer = Function(async () =>
        {
            var value = await child();
            CacheTag("outer-a");
            CacheTag(Enumerable.Range(0, 128).Select(i => "outer" + i).ToArray());
            return value + 1;
        });

        await outer();

        await t.Runtime.FlushAsync();
        var outerTags = recorder.Sets.Single(s => s.Tags.Contains("outer-a")).Tags;
        Assert.Equal(inner.Length + 1 + 128, outerTags.Count);
        Assert.Contains("outer127", outerTags);
        Assert.Empty(t.Logs.Warnings);
    }

    [Fact]
    public void CacheTagOutsideACachedFunction_IsAnError()
    {
        using var t = new TestRuntime();

        var error = Assert.Throws<InvalidOperationException>(() => CacheTag("a"));

        Assert.StartsWith("`CacheTag()` can only be called inside a [UseCache] function. It ran outside any cache scope; the likely causes:", error.Message, StringComparison.Ordinal);
        Assert.Contains("not Strata's generated cached subclass", error.Message, StringComparison.Ordinal);
        Assert.Contains("app.UseStrata()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CacheTagInALiveRender_DoesNothing_AndCachedFunctionsThereStillTag()
    {
        using var t = TestRuntime.WithRecorder(out var recorder);
        var get = Function(() =>
        {
            CacheTag("inner");
            return Task.FromResult(1);
        });

        using (t.Runtime.BeginLiveRender())
        {
            CacheTag("ignored"); // a [UseCache] component rendering in an interactive circuit
            CacheLife("hours");
            Assert.Equal(1, await get());
        }

        await t.Runtime.FlushAsync();
        Assert.Equal(["inner"], Assert.Single(recorder.Sets).Tags);
        Assert.Throws<InvalidOperationException>(() => CacheTag("a")); // the mark ended
    }
}
