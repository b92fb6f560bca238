using System.Collections.Immutable;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Values;

/// <summary>
/// Sharing a mutable value by reference is a wrong hit too: only values that no caller can change are handed out as
/// they are. A type whose members are declared as open types (a record or class that is not sealed, an interface) is
/// judged by what the value holds.
/// </summary>
public sealed class ImmutabilityTests
{
    public record Line(string Sku, int Quantity);

    public sealed record NotedLine(string Sku, int Quantity, List<string> Notes) : Line(Sku, Quantity);

    public sealed record Order(string Id, ImmutableArray<Line> Lines);

    public sealed record Page(string Title, IReadOnlyList<string> Items);

    public class Label
    {
        public Label(string text) => Text = text;

        public string Text { get; }
    }

    public sealed class EditableLabel(string text) : Label(text)
    {
        public string? Note { get; set; }
    }

    public sealed record Tagged(Label Label);

    public readonly struct Buffer(int[] items)
    {
        public int[] Items { get; } = items;
    }

    [Fact]
    public async Task AMutableRecordInASlotOfItsBaseRecord_IsNotShared()
    {
        using var t = new TestRuntime();
        var get = Function(async (int n) => { await Task.Yield(); return new Order("o", [new Line("a", 1), new NotedLine("b", 2, ["fragile"])]); });

        var first = await get(1);
        ((NotedLine)first.Lines[1]).Notes.Add("changed by the first caller");
        var second = await get(1);

        Assert.Equal(["fragile"], ((NotedLine)second.Lines[1]).Notes);
    }

    [Fact]
    public async Task AMutableSubclassInASlotOfAnImmutableClass_IsNotShared()
    {
        using var t = new TestRuntime();
        var get = Function(async (int n) => { await Task.Yield(); return new Tagged(new EditableLabel("l") { Note = "original" }); });

        var first = await get(1);
        ((EditableLabel)first.Label).Note = "changed by the first caller";
        var second = await get(1);

        Assert.Equal("original", ((EditableLabel)second.Label).Note);
    }

    [Fact]
    public async Task RecordsThatAreNotSealed_AreShared_WhenTheyHoldOnlyImmutableValues()
    {
        using var t = new TestRuntime();
        var get = Function(async (int n) => { await Task.Yield(); return new Order("o", [new Line("a", 1), new Line("b", 2)]); });

        Assert.Same(await get(1), await get(1));
    }

    [Fact]
    public async Task AnInterfaceMember_IsShared_WhenItHoldsAnImmutableCollection()
    {
        using var t = new TestRuntime();
        var immutable = Function(async (int n) => { await Task.Yield(); return new Page("p", ImmutableArray.Create("a", "b")); });
        var mutable = Function(async (int n) => { await Task.Yield(); return new Page("p", new List<string> { "a", "b" }); });

        Assert.Same(await immutable(1), await immutable(1));
        var first = await mutable(1);
        ((List<string>)first.Items).Add("changed by the first caller");
        Assert.Equal(["a", "b"], (await mutable(1)).Items);
    }

    [Fact]
    public async Task ACollectionExpressionTypedAsAReadOnlyInterface_IsShared()
    {
        using var t = new TestRuntime();
        var get = Function(async (int n) =>
        {
            await Task.Yield();
            IReadOnlyList<string> items = ["a", "b", n.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            return items;
        });

        Assert.Same(await get(1), await get(1));
    }

    [Fact]
    public async Task ABuilderOfAnImmutableCollection_IsNotShared()
    {
        using var t = new TestRuntime();
        var get = Function(async (int n) =>
        {
            await Task.Yield();
            var builder = ImmutableArray.CreateBuilder<int>();
            builder.Add(1);
            return builder;
        });

        var first = await get(1);
        first.Add(2);
        var second = await get(1);

        Assert.Equal([1], second);
    }

    [Fact]
    public async Task AReadOnlyStructHoldingAnArray_IsNotShared()
    {
        using var t = new TestRuntime();
        var get = Function(async (int n) => { await Task.Yield(); return new Buffer([1, 2]); });

        var first = await get(1);
        first.Items[0] = 99;
        var second = await get(1);

        Assert.Equal([1, 2], second.Items);
    }

    [Theory]
    [InlineData(typeof(ImmutableArray<int>.Builder), false)]
    [InlineData(typeof(ImmutableList<string>.Builder), false)]
    [InlineData(typeof(ImmutableDictionary<string, int>.Builder), false)]
    [InlineData(typeof(Buffer), false)]
    [InlineData(typeof(Order), false)] // its lines may be of a mutable subclass: decided per value
    [InlineData(typeof(Page), false)]
    [InlineData(typeof(Line), true)]
    [InlineData(typeof(ImmutableArray<Line>), false)]
    [InlineData(typeof(System.Collections.Frozen.FrozenSet<int>), true)]
    public void EveryValueOfTheType_IsImmutable(Type type, bool immutable)
    {
        Assert.Equal(immutable, Immutability.IsImmutable(type));
    }

    [Fact]
    public void AFrozenCollection_IsShared_WhateverItsInternalType()
    {
        var set = System.Collections.Frozen.FrozenSet.ToFrozenSet([1, 2, 3]);
        var map = System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(new Dictionary<string, int> { ["a"] = 1 });

        Assert.True(Immutability.IsShared(set));
        Assert.True(Immutability.IsShared(map));
        Assert.False(Immutability.IsShared(System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(new Dictionary<string, List<int>> { ["a"] = [1] })));
    }
}
