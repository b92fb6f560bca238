using Strata.Generated;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Keys;

/// <summary>
/// The key members the generator registers for [UseCache] parameter types (read without reflection in trimmed and
/// Native AOT apps) must be exactly those reflection finds: same names, same order, same pass-through, same values.
/// The shapes below are the parameters of <see cref="KeyShapeService"/>, whose cached subclass registers them.
/// </summary>
public sealed class GeneratedKeyMembersTests
{
    public static TheoryData<Type, object> Registered() => new()
    {
        { typeof(KeyShapeItem), new KeyShapeItem("p1", 2) },
        { typeof(KeyShapeOrder), new KeyShapeOrder([new KeyShapeItem("a", 1)], [new KeyShapeItem("b", 2)], new() { ["home"] = new KeyShapeAddress { Street = "Main", Number = 3 } }, null) { Note = "n" } },
        { typeof(KeyShapeAddress), new KeyShapeAddress { Street = "Main", Number = 3 } },
        { typeof(KeyShapePoint), new KeyShapePoint { X = 1, Y = 2 } },
        { typeof(KeyShapeRange), new KeyShapeRange(1, 5) },
        { typeof(KeyShapeDerived), new KeyShapeDerived { A = "a", B = "b" } },
        { typeof(KeyShapeBox<KeyShapeItem>), new KeyShapeBox<KeyShapeItem>(new KeyShapeItem("c", 3)) },
        { typeof(KeyShapeKeyword), new KeyShapeKeyword { @class = 7, @event = "e" } },
        { typeof(KeyShapeComputed), new KeyShapeComputed(4) },
        { typeof(KeyShapeWithToken), new KeyShapeWithToken("t", new CancellationTokenSource().Token) },
    };

    [Theory]
    [MemberData(nameof(Registered))]
    public void GeneratedMembers_AreTheMembersReflectionFinds(Type type, object sample)
    {
        Assert.True(KeyedTypes.TryGet(type, out var generated), $"the generator registered no key members for {type}");
        var reflected = KeyTypeInfo.ReflectObject(type);

        Assert.Equal(KeyTypeKind.Object, reflected.Kind);
        Assert.Equal(reflected.Members.Select(m => m.Name), generated.Select(m => m.Name));
        Assert.Equal(reflected.Members.Select(m => m.DeclaredType), generated.Select(m => m.DeclaredType));
        Assert.Equal(reflected.Members.Select(m => m.IsPassThrough), generated.Select(m => m.IsPassThrough));
        Assert.Equal(reflected.Members.Select(m => m.GetValue(sample)), generated.Select(m => m.GetValue(sample)));
        Assert.Same(generated, KeyTypeInfo.Get(type).Members);
    }

    [Fact]
    public void APropertyWithAGetterBody_IsLeftToReflection_WhichReadsItsField()
    {
        // The getter transforms its field: reading the property would not be what reflection keys, so nothing is registered.
        Assert.False(KeyedTypes.TryGet(typeof(KeyShapeNormalized), out _));
        var sample = new KeyShapeNormalized { Name = "abc" };

        var member = Assert.Single(KeyTypeInfo.Get(typeof(KeyShapeNormalized)).Members);
        Assert.Equal(("Name", "abc"), (member.Name, member.GetValue(sample)));
    }

    [Fact]
    public void TypesOfOtherAssemblies_AreLeftToReflection()
    {
        // KeyValuePair<,> (the BCL) appears in a parameter; its private fields are not visible to the generator.
        Assert.False(KeyedTypes.TryGet(typeof(KeyValuePair<string, KeyShapeItem>), out _));
        Assert.True(KeyedTypes.TryGet(typeof(KeyShapeItem), out _));
    }

    [Fact]
    public async Task ACachedCall_IsKeyedByTheGeneratedMembers()
    {
        using var t = new TestRuntime();
        KeyShapeService service = new KeyShapeService_Cached(t.Runtime);
        var order = new KeyShapeOrder([new KeyShapeItem("a", 1)], [], [], new KeyShapeAddress { Street = "Main", Number = 1 });

        var first = await service.Quote(order);
        var same = await service.Quote(order with { Items = [new KeyShapeItem("a", 1)] });
        var otherNumber = await service.Quote(order with { Ship = new KeyShapeAddress { Street = "Main", Number = 2 } });
        var otherNote = await service.Quote(order with { Note = "gift" });

        Assert.Equal(first, same);
        Assert.NotEqual(first, otherNumber);
        Assert.NotEqual(first, otherNote);
        Assert.Equal(3, service.Runs);
    }
}

public sealed record KeyShapeItem(string Id, int Quantity);

public sealed record KeyShapeOrder(KeyShapeItem[] Items, List<KeyShapeItem> More, Dictionary<string, KeyShapeAddress> Addresses, KeyShapeAddress? Ship)
{
    public string? Note { get; init; }
}

public sealed class KeyShapeAddress
{
    public int Number;

    public string? Street { get; set; }
}

public struct KeyShapePoint
{
    public int X;

    public int Y { get; init; }
}

public readonly record struct KeyShapeRange(int From, int To);

public class KeyShapeBase
{
    public string? A { get; set; }
}

public sealed class KeyShapeDerived : KeyShapeBase
{
    public string? B { get; set; }
}

public sealed record KeyShapeBox<T>(T Value);

#pragma warning disable IDE1006, CA1707 // keyword-named members are the point of this shape
public sealed class KeyShapeKeyword
{
    public int @class { get; set; }

    public string? @event { get; set; }
}
#pragma warning restore IDE1006, CA1707

public sealed record KeyShapeComputed(int A)
{
    public int Twice => A * 2;
}

public sealed record KeyShapeWithToken(string Id, CancellationToken Token);

public sealed class KeyShapeNormalized
{
    public string Name { get => field.ToUpperInvariant(); set; } = "";
}

public class KeyShapeService
{
    private int _runs;

    public int Runs => _runs;

    [UseCache]
    public virtual Task<int> Quote(KeyShapeOrder order) => Task.FromResult(Interlocked.Increment(ref _runs));

    [UseCache]
    public virtual Task<int> All(
        KeyShapePoint point, KeyShapePoint? maybe, KeyShapeRange range, KeyShapeDerived derived, KeyShapeBox<KeyShapeItem> box,
        KeyShapeKeyword keyword, KeyShapeComputed computed, KeyShapeWithToken withToken, KeyShapeNormalized normalized,
        KeyValuePair<string, KeyShapeItem> pair) => Task.FromResult(Interlocked.Increment(ref _runs));
}
