using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Keys;

public sealed class PassThroughAndClosureTests
{
    [Fact]
    public async Task DelegateArguments_AreHandedThroughUntouched_AndKeyedByIdentity()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        Func<string>? received = null;
        var render = Function(async (string id, Func<string> slot) =>
        {
            await Task.Yield();
            received = slot;
            return $"{id}:{calls.Next()}";
        });
        Func<string> first = () => "first";
        Func<string> second = () => "second";

        var a = await render("p1", first);
        var again = await render("p1", first);
        var b = await render("p1", second);

        Assert.Equal(a, again);
        Assert.NotEqual(a, b);
        Assert.Equal(2, calls.Count);
        Assert.Same(second, received);
    }

    [Fact]
    public async Task CancellationTokens_AreLeftOutOfTheKey()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (string id, CancellationToken token) =>
        {
            await Task.Yield();
            token.ThrowIfCancellationRequested();
            return calls.Next();
        });
        using var source = new CancellationTokenSource();

        Assert.Equal(await get("x", CancellationToken.None), await get("x", source.Token));
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task RegisteredPassThroughTypes_AreLeftOutOfTheKey_WhileKeyedArgumentsStillSeparateEntries()
    {
        using var t = new TestRuntime();
        var runs = new Counter();
        var get = Function(async (string id, Counter tracker) =>
        {
            await Task.Yield();
            return $"{id}:{runs.Next()}";
        });
        var one = new Counter();
        var two = new Counter();

        var first = await get("x", one);
        var sameIdOtherTracker = await get("x", two);
        var otherId = await get("y", two);

        Assert.True(CacheKeyPassThrough.IsPassThrough(typeof(Counter)));
        Assert.Equal("x:1", first);
        Assert.Equal(first, sameIdOtherTracker);
        Assert.Equal("y:2", otherId);
        Assert.Equal(2, runs.Count);
    }

    [Fact]
    public async Task CapturedVariables_ArePartOfTheKey()
    {
        using var t = new TestRuntime();
        var calls = new Counter();

        async Task<string> Load(string userId, string filter)
        {
            var getData = Function(async (string f) =>
            {
                await Task.Yield();
                calls.Next();
                return $"{userId}/{f}";
            });
            return await getData(filter);
        }

        Assert.Equal("u1/active", await Load("u1", "active"));
        Assert.Equal("u1/active", await Load("u1", "active"));
        Assert.Equal("u2/active", await Load("u2", "active"));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task VariablesCapturedOnlyByOtherLambdasOfTheScope_AreNotPartOfTheKey()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var unrelated = new MemoryStream();
        var region = "eu";
        var get = Function(async (string id) =>
        {
            await Task.Yield();
            calls.Next();
            return region + id;
        });
        Func<long> other = () => unrelated.Length + region.Length;

        var first = await get("a");
        unrelated.WriteByte(1);
        var second = await get("a");

        Assert.Equal(first, second);
        Assert.Equal(1, calls.Count);
        Assert.Equal(3, other());
    }

    [Fact]
    public async Task ACapturedServiceTheContainerResolves_IsSharedInfrastructure_AndNotPartOfTheKey()
    {
        using var t = new KeyTestRuntime(s => s.AddSingleton<Repository>());
        var calls = new Counter();

        async Task<string> Load(Repository repository, string region)
        {
            var get = Function(async (string id) =>
            {
                await Task.Yield();
                calls.Next();
                return repository.Find(id) + "@" + region;
            });
            return await get("p1");
        }

        Assert.Equal(await Load(new Repository(), "eu"), await Load(new Repository(), "eu"));
        await Load(new Repository(), "us");
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task CapturedRequestState_IsAnError()
    {
        using var t = new TestRuntime();
        var context = new Microsoft.AspNetCore.Http.FakeHttpContext();
        var get = Function(async (string id) => { await Task.Yield(); return id + context.TraceIdentifier; });

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => get("p1"));

        Assert.StartsWith("Captured variable 'context' cannot be part of a cache key", error.Message, StringComparison.Ordinal);
        Assert.Contains("is request state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoLambdasWithTheSameBody_AreDifferentFunctions()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var one = Function(async (int x) => { await Task.Yield(); return x + calls.Next(); });
        var two = Function(async (int x) => { await Task.Yield(); return x + calls.Next(); });

        await one(1);
        await two(1);

        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task CapturingThisOfAServiceTheContainerResolves_LeavesTheInstanceOutOfTheKey()
    {
        using var t = new KeyTestRuntime(s => s.AddScoped<ProductService>());
        var service = new ProductService();

        var a = await service.GetName("p1");
        var b = await new ProductService().GetName("p1");

        Assert.Equal(a, b);
        Assert.Equal(1, ProductService.Calls.Count);
    }

    [Fact]
    public void CapturingARazorComponent_IsAnError_AtCreation()
    {
        using var t = new TestRuntime();
        var component = new FakeComponent();

        var error = Assert.Throws<CacheKeyException>(() => component.MakeCachedLoader());

        Assert.Contains("captures 'this', a Razor component", error.Message, StringComparison.Ordinal);
        Assert.Contains("Copy the values the lambda needs into local variables", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValueTaskLambdas_AreCachedToo()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async ValueTask<int> (string id) => { await Task.Yield(); return calls.Next(); });

        Assert.Equal(await get("a"), await get("a"));
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task FunctionsOfUpToSixArguments_AreCached()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var get = Function(async (int a, string b, bool c, decimal d, Guid e, DateOnly f) =>
        {
            await Task.Yield();
            return $"{a}{b}{c}{d}{e}{f}{calls.Next()}";
        });
        var id = Guid.NewGuid();

        var first = await get(1, "b", true, 2m, id, new DateOnly(2026, 1, 1));
        var second = await get(1, "b", true, 2m, id, new DateOnly(2026, 1, 1));
        await get(1, "b", true, 2m, id, new DateOnly(2026, 1, 2));

        Assert.Equal(first, second);
        Assert.Equal(2, calls.Count);
    }

    internal sealed class ProductService
    {
        public static readonly Counter Calls = new();

        private readonly Func<string, Task<string>> _getName;

        public ProductService()
        {
            _getName = Function(async (string id) =>
            {
                await Task.Yield();
                Calls.Next();
                return Prefix + id;
            });
        }

        private string Prefix => "product-";

        public Task<string> GetName(string id) => _getName(id);
    }
}

public sealed class Repository
{
    private readonly string _prefix = "product ";

    public string Find(string id) => _prefix + id;
}

public sealed class FakeComponent : Microsoft.AspNetCore.Components.IComponent
{
    public string Id { get; set; } = "1";

    public Func<string, Task<string>> MakeCachedLoader() =>
        Function(async (string x) =>
        {
            await Task.Yield();
            return Id + x;
        });
}
