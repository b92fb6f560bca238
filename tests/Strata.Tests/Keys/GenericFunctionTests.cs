using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Keys;

/// <summary>
/// Issue 8, item 6: a lambda in a generic type or method is one function per instantiation, even where the runtime
/// shares the code of reference-type instantiations.
/// </summary>
public sealed class GenericFunctionTests
{
    [Fact]
    public async Task ALambdaInAGenericType_IsOneFunctionPerReferenceTypeInstantiation()
    {
        using var t = new TestRuntime();

        var strings = await new Repo<string>().Get(2);
        var objects = await new Repo<object>().Get(2);

        Assert.IsType<List<string>>(strings);
        Assert.IsType<List<object>>(objects);
        Assert.Equal(2, objects.Count);
    }

    [Fact]
    public async Task ALambdaInAGenericType_IsOneFunctionPerValueTypeInstantiation()
    {
        using var t = new TestRuntime();

        var ints = await new Repo<int>().Get(1);
        var longs = await new Repo<long>().Get(1);

        Assert.IsType<List<int>>(ints);
        Assert.IsType<List<long>>(longs);
    }

    [Fact]
    public async Task ALambdaInAGenericMethod_IsOneFunctionPerInstantiation()
    {
        using var t = new TestRuntime();

        var strings = await Make<string>()(3);
        var uris = await Make<Uri>()(3);
        var again = await Make<string>()(3);

        Assert.Equal(["String:3"], strings);
        Assert.Equal(["Uri:3"], uris);
        Assert.Equal(["String:3"], again);
        Assert.Equal(2, s_runs);
    }

    [Fact]
    public async Task ACapturedValueInAGenericType_IsKeyedPerInstantiation()
    {
        using var t = new TestRuntime();

        // null encodes the same whatever its declared type: only the function tells the two apart.
        var strings = await new Holder<string>(null).Get(2);
        var objects = await new Holder<object>(null).Get(2);

        Assert.IsType<List<string?>>(strings);
        Assert.IsType<List<object?>>(objects);
    }

    [Fact]
    public void TheIdOfALambdaInAGenericType_NamesItsTypeArguments()
    {
        using var t = new TestRuntime();

        var strings = ((CachedTask1<int, List<string>>)new Repo<string>().Get.Target!).Function.Id;
        var objects = ((CachedTask1<int, List<object>>)new Repo<object>().Get.Target!).Function.Id;

        Assert.NotEqual(strings, objects);
        Assert.StartsWith("Strata.Tests:Strata.Tests.Keys.GenericFunctionTests+Repo`1[T]+<>c[System.String]::", strings, StringComparison.Ordinal);
        Assert.StartsWith("Strata.Tests:Strata.Tests.Keys.GenericFunctionTests+Repo`1[T]+<>c[System.Object]::", objects, StringComparison.Ordinal);
    }

    private static int s_runs;

    private static Func<int, Task<List<string>>> Make<T>() =>
        Function(async (int n) =>
        {
            Interlocked.Increment(ref s_runs);
            await Task.Yield();
            return new List<string> { typeof(T).Name + ":" + n };
        });

    private sealed class Repo<T>
    {
        public Func<int, Task<List<T>>> Get { get; } = Function(async (int n) =>
        {
            await Task.Yield();
            return Enumerable.Repeat(default(T)!, n).ToList();
        });
    }

    private sealed class Holder<T>(T? value)
    {
        public Func<int, Task<List<T?>>> Get { get; } = Function(async (int n) =>
        {
            await Task.Yield();
            return Enumerable.Repeat(value, n).ToList();
        });
    }
}
