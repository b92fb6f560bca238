using System.Collections.Immutable;
using Strata.Tests.Support;

namespace Strata.Tests.Keys;

public sealed class KeyEncodingTests
{
    private enum Color
    {
        Red,
        Green,
    }

    private sealed record Filter(string Category, decimal? MinPrice, IReadOnlyList<string> Tags);

    private sealed class PlainData
    {
        public string Name { get; set; } = "";

        public int Count { get; init; }

        public string[] Items { get; set; } = [];
    }

    public static TheoryData<object?, object?> DistinctValues => new()
    {
        { null, false },
        { true, false },
        { 1, 2 },
        { 1, 1L },
        { 1L, 2L },
        { (byte)1, (sbyte)1 },
        { 1.5, 2.5 },
        { 1.5f, 1.5 },
        { 1.0m, 1.00m },
        { 1m, 2m },
        { "a", "b" },
        { "a", 'a' },
        { 'a', 'b' },
        { Color.Red, Color.Green },
        { Color.Red, 0 },
        { Guid.Parse("00000000-0000-0000-0000-000000000001"), Guid.Parse("00000000-0000-0000-0000-000000000002") },
        { new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Local) },
        { new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1)) },
        { new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2) },
        { new TimeOnly(10, 0), new TimeOnly(11, 0) },
        { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) },
        { new byte[] { 1, 2 }, new byte[] { 2, 1 } },
        { new[] { 1, 2 }, new[] { 2, 1 } },
        { new List<string> { "a" }, new List<string> { "a", "b" } },
        { "", null },
        { new[] { "ab" }, new[] { "a", "b" } },
    };

    [Theory]
    [MemberData(nameof(DistinctValues))]
    public void DifferentValues_GiveDifferentKeys(object? left, object? right)
    {
        using var t = new TestRuntime();
        Assert.NotEqual(Support.Keys.Of(t.Runtime, left), Support.Keys.Of(t.Runtime, right));
    }

    [Theory]
    [MemberData(nameof(DistinctValues))]
    public void EqualValues_GiveEqualKeys(object? left, object? right)
    {
        _ = right;
        using var t = new TestRuntime();
        Assert.Equal(Support.Keys.Of(t.Runtime, left), Support.Keys.Of(t.Runtime, Copy(left)));
    }

    [Fact]
    public void GenericAndBoxedArguments_EncodeTheSame()
    {
        using var t = new TestRuntime();
        Assert.Equal(Support.Keys.Of(t.Runtime, (object?)42), Support.Keys.Of(t.Runtime, 42));
        Assert.Equal(Support.Keys.Of(t.Runtime, (object?)"p042"), Support.Keys.Of(t.Runtime, "p042"));
        Assert.Equal(Support.Keys.Of(t.Runtime, (object?)12.5m), Support.Keys.Of(t.Runtime, 12.5m));
    }

    [Fact]
    public void Dictionaries_AreOrderIndependent()
    {
        using var t = new TestRuntime();
        var a = new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 };
        var b = new Dictionary<string, int> { ["y"] = 2, ["x"] = 1 };
        var c = new Dictionary<string, int> { ["x"] = 2, ["y"] = 1 };

        Assert.Equal(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, b));
        Assert.NotEqual(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, c));
    }

    [Fact]
    public void Sets_AreOrderIndependent()
    {
        using var t = new TestRuntime();
        var a = new HashSet<string> { "x", "y", "z" };
        var b = new SortedSet<string> { "z", "y", "x" };

        Assert.Equal(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, (object)ImmutableHashSet.Create("y", "x", "z")));
        Assert.Equal(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, b));
        Assert.NotEqual(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, new HashSet<string> { "x", "y" }));
    }

    [Fact]
    public void ByteArraysAndReadOnlyMemory_WithTheSameBytes_GiveTheSameKey()
    {
        using var t = new TestRuntime();
        var bytes = new byte[] { 0xff, 0xfe, 0x00, 0x80 };

        Assert.Equal(Support.Keys.Of(t.Runtime, bytes), Support.Keys.Of(t.Runtime, new ReadOnlyMemory<byte>([0xff, 0xfe, 0x00, 0x80])));
    }

    [Fact]
    public void Records_AreEncodedByValue()
    {
        using var t = new TestRuntime();
        var a = new Filter("shoes", 10m, ["new"]);
        var b = new Filter("shoes", 10m, ["new"]);
        var c = new Filter("shoes", 11m, ["new"]);

        Assert.Equal(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, b));
        Assert.NotEqual(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, c));
    }

    [Fact]
    public void PlainDataClasses_AreEncodedByTheirPublicProperties()
    {
        using var t = new TestRuntime();
        var a = new PlainData { Name = "n", Count = 1, Items = ["i"] };
        var b = new PlainData { Name = "n", Count = 1, Items = ["i"] };
        var c = new PlainData { Name = "n", Count = 1, Items = ["j"] };

        Assert.Equal(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, b));
        Assert.NotEqual(Support.Keys.Of(t.Runtime, a), Support.Keys.Of(t.Runtime, c));
    }

    [Fact]
    public void AnonymousObjectsAndTuples_AreEncodedByValue()
    {
        using var t = new TestRuntime();
        Assert.Equal(Support.Keys.Of(t.Runtime, new { A = 1, B = "x" }), Support.Keys.Of(t.Runtime, new { A = 1, B = "x" }));
        Assert.NotEqual(Support.Keys.Of(t.Runtime, (1, "x")), Support.Keys.Of(t.Runtime, (1, "y")));
        Assert.Equal(Support.Keys.Of(t.Runtime, Tuple.Create(1, "x")), Support.Keys.Of(t.Runtime, Tuple.Create(1, "x")));
    }

    [Fact]
    public void SameBuildId_GivesTheSameKeyInEveryRuntime()
    {
        using var a = new TestRuntime(o => o.BuildId = "build-1");
        using var b = new TestRuntime(o => o.BuildId = "build-1");
        using var c = new TestRuntime(o => o.BuildId = "build-2");

        Assert.Equal(Support.Keys.Of(a.Runtime, "p1", 2), Support.Keys.Of(b.Runtime, "p1", 2));
        Assert.NotEqual(Support.Keys.Of(a.Runtime, "p1", 2), Support.Keys.Of(c.Runtime, "p1", 2));
    }

    [Fact]
    public void FunctionIdAndKind_ArePartOfTheKey()
    {
        using var t = new TestRuntime();
        var f = CacheFunction.Create("tests.f", "default");
        var g = CacheFunction.Create("tests.g", "default");
        var fRemote = CacheFunction.Create("tests.f", "remote");

        Assert.NotEqual(Support.Keys.Of(t.Runtime, f, "x"), Support.Keys.Of(t.Runtime, g, "x"));
        Assert.NotEqual(Support.Keys.Of(t.Runtime, f, "x"), Support.Keys.Of(t.Runtime, fRemote, "x"));
    }

    [Fact]
    public void TheKey_HasAStableHexadecimalForm()
    {
        using var t = new TestRuntime();
        var key = Support.Keys.Of(t.Runtime, "p1");

        Assert.Matches("^[0-9a-f]{32}$", key.ToString());
        Assert.Equal(key, CacheKey.Parse(key.ToString()));
        Assert.Throws<FormatException>(() => CacheKey.Parse("not a key"));
    }

    private static object? Copy(object? value) => value switch
    {
        byte[] b => b.ToArray(),
        int[] a => a.ToArray(),
        string[] s => s.ToArray(),
        List<string> l => l.ToList(),
        _ => value,
    };
}
