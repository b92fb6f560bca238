using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Keys.Shapes;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Keys;

/// <summary>
/// The key-soundness suite (issue 8): every way a cached lambda can capture a value either keys it (the same value runs
/// the body once, another value runs it again and sees its own value) or refuses it with an error that names it.
/// The shapes (Shapes/KeyShapes.cs) also run compiled in Debug and Release: Strata.Generators.Tests, KeyShapesAcrossBuildsTests.
/// </summary>
[Collection(nameof(KeyShapes))]
public sealed class KeySoundnessTests
{
    public static TheoryData<string> Shapes => new(KeyShapes.Names);

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task EveryCapturedShape_KeysTheCapturedValue(string shape)
    {
        using var t = new TestRuntime();
        var before = KeyShapes.Runs;

        var acme = await KeyShapes.Run(shape, "acme");
        var acmeAgain = await KeyShapes.Run(shape, "acme");
        var globex = await KeyShapes.Run(shape, "globex");

        Assert.Equal(await KeyShapes.Run(shape, "acme", cached: false), acme);
        Assert.Equal(acme, acmeAgain);
        Assert.Equal(await KeyShapes.Run(shape, "globex", cached: false), globex);
        Assert.NotEqual(acme, globex);
        Assert.Equal(2 + 2, KeyShapes.Runs - before);
    }

    [Fact]
    public async Task ThisOfAServiceTheContainerResolves_IsLeftOut_WhileOtherCapturedValuesAreKeyed()
    {
        using var t = new KeyTestRuntime(s => s.AddScoped<PriceService>());
        var calls = new Counter();

        var eur = await new PriceService(calls).Price("p1", "EUR");
        var eurOtherInstance = await new PriceService(calls).Price("p1", "EUR");
        var usd = await new PriceService(calls).Price("p1", "USD");

        Assert.Equal("p1 in EUR", eur);
        Assert.Equal(eur, eurOtherInstance);
        Assert.Equal("p1 in USD", usd);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ThisOfAServiceRegisteredBehindAnInterface_IsLeftOut()
    {
        using var t = new KeyTestRuntime(s => s.AddScoped<IPriceService, PriceService>());
        var calls = new Counter();

        await new PriceService(calls).Price("p1", "EUR");
        await new PriceService(calls).Price("p1", "EUR");

        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task AServiceTheContainerResolves_IsNotConfusedWithCollections()
    {
        // Microsoft's container resolves every IEnumerable<T>: a list in an IEnumerable variable is still data.
        using var t = new KeyTestRuntime(_ => { });
        var calls = new Counter();

        async Task<string> Load(IEnumerable<string> tags)
        {
            var get = Function(async (int n) => { calls.Next(); await Task.Yield(); return string.Join(",", tags) + n; });
            return await get(1);
        }

        Assert.Equal("a1", await Load(new List<string> { "a" }));
        Assert.Equal("b1", await Load(new List<string> { "b" }));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ThisOfAClassOutsideDI_IsRefused_NamingThis()
    {
        using var t = new TestRuntime();

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => new PriceService(new Counter()).Price("p1", "EUR"));

        Assert.Equal("this", error.ParamName);
        Assert.StartsWith($"Captured variable 'this' cannot be part of a cache key: 'this' is of type {typeof(PriceService).FullName!.Replace('+', '+')}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"CacheKeyPassThrough.Register(typeof({nameof(PriceService)}))", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThisThatIsPlainData_IsKeyedByItsData()
    {
        using var t = new TestRuntime();
        var calls = new Counter();

        var a = await new Query("a", calls).Run(1);
        var aAgain = await new Query("a", calls).Run(1);
        var b = await new Query("b", calls).Run(1);

        Assert.Equal(("a1", "a1", "b1"), (a, aAgain, b));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ADelegateThatCapturesSomethingNotKeyable_IsRefused_WithThePathToIt()
    {
        using var t = new TestRuntime();
        var stream = new MemoryStream([1, 2, 3]);
        Func<long> length = () => stream.Length;
        var get = Function(async (int n) => { await Task.Yield(); return length() + n; });

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => get(1));

        Assert.Equal("length", error.ParamName);
        Assert.Equal("length.Target.stream", error.Path);
        Assert.Contains("is a stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapturedRequestState_IsRefused_EvenWhenTheContainerResolvesIt()
    {
        var context = new Microsoft.AspNetCore.Http.FakeHttpContext { TraceIdentifier = "t1" };
        using var t = new KeyTestRuntime(s => s.AddSingleton<Microsoft.AspNetCore.Http.HttpContext>(context));
        var get = Function(async (int n) => { await Task.Yield(); return context.TraceIdentifier + n; });

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => get(1));

        Assert.StartsWith("Captured variable 'context' cannot be part of a cache key", error.Message, StringComparison.Ordinal);
        Assert.Contains("is request state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACapturedDataObjectThatTheContainerResolves_IsInfrastructure()
    {
        var settings = new Settings { Region = "eu" };
        using var t = new KeyTestRuntime(s => s.AddSingleton(settings));
        var calls = new Counter();
        var get = Function(async (int n) => { calls.Next(); await Task.Yield(); return settings.Region + n; });

        await get(1);
        settings.Region = "us";
        await get(1);

        Assert.Equal(1, calls.Count);
    }

    internal interface IPriceService
    {
        Task<string> Price(string id, string currency);
    }

    internal sealed class PriceService(Counter calls) : IPriceService
    {
        private readonly Counter _calls = calls;

        public Task<string> Price(string id, string currency) =>
            Function(async (string productId) =>
            {
                _calls.Next();
                await Task.Yield();
                return $"{productId} in {currency}";
            })(id);
    }

    /// <summary>Plain data: its state is public properties (the counter is a registered pass-through type).</summary>
    internal sealed record Query(string Prefix, Counter Calls)
    {
        public Task<string> Run(int n) =>
            Function(async (int x) =>
            {
                Calls.Next();
                await Task.Yield();
                return Prefix + x;
            })(n);
    }

    public sealed class Settings
    {
        public string Region { get; set; } = "";
    }
}
