using System.Text.Json.Serialization;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Values;

/// <summary>
/// A hit returns what the miss returned. For each shape that a JSON round trip used to lose, the value is now either
/// copied faithfully (the function runs once) or returned uncached (it runs on every call); never a different value.
/// </summary>
public sealed class CopyFidelityTests
{
    public sealed class WithFields
    {
        public string Name = "";
        public List<int> Scores = [];
        public (int Count, string Label) Pair;
    }

    public class Animal
    {
        public string Name { get; set; } = "";
    }

    public sealed class Dog : Animal
    {
        public bool GoodBoy { get; set; }
    }

    [JsonDerivedType(typeof(Tiger), "tiger")]
    public class Cat
    {
        public string Name { get; set; } = "";
    }

    public sealed class Tiger : Cat
    {
        public int Stripes { get; set; }
    }

    public sealed class Shelter
    {
        public List<Animal> Animals { get; set; } = [];
    }

    public sealed class Cyclic
    {
        public string Name { get; set; } = "";

        public Cyclic? Next { get; set; }
    }

    public sealed class PrivateSetter
    {
        public PrivateSetter()
        {
        }

        public PrivateSetter(string name) => Name = name;

        public string Name { get; private set; } = "";
    }

    public sealed class IncludedPrivateSetter
    {
        public IncludedPrivateSetter()
        {
        }

        public IncludedPrivateSetter(string name) => Name = name;

        [JsonInclude]
        public string Name { get; private set; } = "";
    }

    public sealed class GetOnlyList
    {
        public List<string> Items { get; } = [];
    }

    public sealed class GetOnlyWithConstructor(string name, List<string> items)
    {
        public string Name { get; } = name;

        public List<string> Items { get; } = items;
    }

    public sealed class HiddenState
    {
        private int _visits;

        public string Name { get; set; } = "";

        public int Visits => _visits;

        public void Visit() => _visits++;
    }

    public sealed class ObjectMember
    {
        public object? Value { get; set; }
    }

    public interface IShape
    {
        double Area { get; }
    }

    public sealed class Square : IShape
    {
        public double Side { get; set; }

        public double Area => Side * Side;
    }

    public sealed class InterfaceMember
    {
        public IShape? Shape { get; set; }
    }

    public sealed class WithStack
    {
        public Stack<int> Pages { get; set; } = new();
    }

    public sealed class Measurements
    {
        public List<double> Values { get; set; } = [];
    }

    public sealed record Point(int X, int Y);

    public sealed class RecordKeys
    {
        public Dictionary<Point, string> Names { get; set; } = [];
    }

    public sealed class Exact
    {
        public List<DateTime> Dates { get; set; } = [];

        public List<double> Doubles { get; set; } = [];

        public List<decimal> Decimals { get; set; } = [];

        public Dictionary<int, string> ById { get; set; } = [];

        public Dictionary<Guid, DateTimeOffset> Seen { get; set; } = [];
    }

    private static TestRuntime Memory() => new();

    private static TestRuntime Bytes() => new(handlers: [new("default", new BytesHandler(new JsonCacheSerializer()))]);

    private static TestRuntime Runtime(bool bytes) => bytes ? Bytes() : Memory();

    /// <summary>Calls twice; returns the miss, the hit and how often the function ran.</summary>
    private static async Task<(T Miss, T Hit, int Runs)> MissThenHit<T>(Func<int, Task<T>> get, Counter runs)
    {
        var miss = await get(1);
        var hit = await get(1);
        return (miss, hit, runs.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PublicFields_AreCopied(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new WithFields { Name = "a", Scores = [1, 2], Pair = (2, "two") }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(1, count);
        Assert.NotSame(miss, hit);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Fact]
    public async Task ADerivedValueReturnedAsItsBase_IsCopiedAsItself_InMemory()
    {
        using var t = Memory();
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return (Animal)new Dog { Name = "Rex", GoodBoy = true }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(1, count);
        Assert.True(Assert.IsType<Dog>(hit).GoodBoy);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Fact]
    public async Task ADerivedValueReturnedAsItsBase_IsNotCached_ByAHandlerThatKeepsBytes()
    {
        // Bytes are read by the declared type (Animal): a Dog cannot be restored from them, so it is not stored.
        var handler = new BytesHandler(new JsonCacheSerializer());
        using var t = new TestRuntime(handlers: [new("default", handler)]);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return (Animal)new Dog { Name = "Rex", GoodBoy = true }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        DeepEquality.AssertEqual(miss, hit);
        Assert.Contains(t.Logs.Warnings, w => w.Contains("Dog", StringComparison.Ordinal) && w.Contains("Animal", StringComparison.Ordinal));
        Assert.Equal(0, handler.Count);
        Assert.Equal(0, handler.Refused); // the handler was never handed a value it could not write
    }

    [Fact]
    public async Task ADerivedValueOfAPolymorphicBase_IsCached_ByAHandlerThatKeepsBytes()
    {
        using var t = Bytes();
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return (Cat)new Tiger { Name = "Shere Khan", Stripes = 80 }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(1, count);
        Assert.Equal(80, Assert.IsType<Tiger>(hit).Stripes);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADerivedValueInsideAList_IsNotCached(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new Shelter { Animals = [new Animal { Name = "Tom" }, new Dog { Name = "Rex", GoodBoy = true }] }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AListOfExactlyTheDeclaredType_IsCached(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new Shelter { Animals = [new Animal { Name = "Tom" }] }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(1, count);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ACycle_IsReturnedUncached_AndTheCallSucceeds(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) =>
        {
            runs.Next();
            await Task.Yield();
            var a = new Cyclic { Name = "a" };
            a.Next = new Cyclic { Name = "b", Next = a };
            return a;
        });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        Assert.Same(miss, miss.Next!.Next);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APrivateSetter_IsReturnedUncached(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new PrivateSetter("kept"); });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        Assert.Equal("kept", hit.Name);
        Assert.Contains(t.Logs.Warnings, w => w.Contains("Name", StringComparison.Ordinal) && w.Contains("[JsonInclude]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APrivateSetterMarkedJsonInclude_IsCopied(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new IncludedPrivateSetter("kept"); });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(1, count);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AGetOnlyPropertyWithoutAConstructorParameter_IsReturnedUncached(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) =>
        {
            runs.Next();
            await Task.Yield();
            var value = new GetOnlyList();
            value.Items.Add("kept");
            return value;
        });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        Assert.Equal(["kept"], hit.Items);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetOnlyPropertiesBoundThroughTheConstructor_AreCopied(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new GetOnlyWithConstructor("n", ["a", "b"]); });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(1, count);
        Assert.NotSame(miss.Items, hit.Items);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NonPublicState_IsReturnedUncached(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) =>
        {
            runs.Next();
            await Task.Yield();
            var value = new HiddenState { Name = "n" };
            value.Visit();
            return value;
        });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        Assert.Equal(1, hit.Visits);
        Assert.Contains(t.Logs.Warnings, w => w.Contains("_visits", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AMemberDeclaredAsObject_IsReturnedUncached(bool bytes)
    {
        // A JSON copy of an object-typed member is a JsonElement, not the value that was returned.
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new ObjectMember { Value = 42 }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        Assert.Equal(42, hit.Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AMemberDeclaredAsAnInterface_IsReturnedUncached_EvenWhenItIsNull(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new InterfaceMember { Shape = n == 1 ? null : new Square { Side = 2 } }; });

        Assert.Null((await get(1)).Shape);
        Assert.Null((await get(1)).Shape);
        Assert.Equal(4, (await get(2)).Shape!.Area);
        Assert.Equal(4, (await get(2)).Shape!.Area);

        Assert.Equal(4, runs.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AStack_IsReturnedUncached(bool bytes)
    {
        // JSON writes a stack top first and reads it back by pushing in that order: the copy is reversed.
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new WithStack { Pages = new Stack<int>([1, 2, 3]) }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        Assert.Equal([3, 2, 1], hit.Pages);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NaNAndInfinities_AreCopied(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new Measurements { Values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1.5] }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(1, count);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADictionaryWithKeysJsonCannotWrite_IsReturnedUncached_AndTheCallSucceeds(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) => { runs.Next(); await Task.Yield(); return new RecordKeys { Names = { [new Point(1, 2)] = "a" } }; });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(2, count);
        DeepEquality.AssertEqual(miss, hit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DateKindsNegativeZeroDecimalScaleAndNonStringKeys_SurviveTheCopy(bool bytes)
    {
        using var t = Runtime(bytes);
        var runs = new Counter();
        var get = Function(async (int n) =>
        {
            runs.Next();
            await Task.Yield();
            return new Exact
            {
                Dates = [new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified), new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Local).AddTicks(7)],
                Doubles = [-0.0, 0.1, double.Epsilon, double.MaxValue],
                Decimals = [1.50m, 1.5m, 0.0000000000000000000000000001m, decimal.MaxValue],
                ById = { [-1] = "minus one", [42] = "forty-two" },
                Seen = { [Guid.NewGuid()] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7)) },
            };
        });

        var (miss, hit, count) = await MissThenHit(get, runs);

        Assert.Equal(1, count);
        DeepEquality.AssertEqual(miss, hit);
    }
}
