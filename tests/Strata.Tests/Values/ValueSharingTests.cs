using System.Buffers;
using System.Collections.Immutable;
using System.ComponentModel;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Values;

public sealed class ValueSharingTests
{
    public sealed record Product(string Id, string Name, decimal Price);

    public sealed record WithList(string Id, List<string> Tags);

    public sealed record WithImmutableArray(string Id, ImmutableArray<string> Tags);

    public sealed class Cart
    {
        public List<string> Items { get; set; } = [];
    }

    [ImmutableObject(true)]
    public sealed class DeclaredImmutable
    {
        public string Name { get; set; } = "";
    }

    [Fact]
    public async Task ImmutableResults_AreServedByReference()
    {
        using var t = new TestRuntime();
        var get = Function(async (string id) => { await Task.Yield(); return new Product(id, "name", 1m); });

        Assert.Same(await get("a"), await get("a"));
    }

    [Fact]
    public async Task MutableResults_AreCopied_SoNoCallerCanChangeWhatAnotherReceives()
    {
        using var t = new TestRuntime();
        var get = Function(async (string id) => { await Task.Yield(); return new Cart { Items = [id] }; });

        var first = await get("a");
        first.Items.Add("changed by the first caller");
        var second = await get("a");
        second.Items.Clear();
        var third = await get("a");

        Assert.Equal(["a"], third.Items);
        Assert.NotSame(second, third);
    }

    [Theory]
    [InlineData(typeof(Product), true)]
    [InlineData(typeof(WithImmutableArray), true)]
    [InlineData(typeof(DeclaredImmutable), true)]
    [InlineData(typeof(string), true)]
    [InlineData(typeof(WithList), false)]
    [InlineData(typeof(Cart), false)]
    [InlineData(typeof(int[]), false)]
    [InlineData(typeof(List<int>), false)]
    [InlineData(typeof(ImmutableList<Product>), true)]
    [InlineData(typeof(ImmutableList<Cart>), false)]
    public void Immutability_IsDecidedByTheShapeOfTheType(Type type, bool immutable)
    {
        Assert.Equal(immutable, Immutability.IsImmutable(type));
    }

    [Fact]
    public async Task TheSerializer_IsPluggable()
    {
        var serializer = new CountingSerializer();
        using var t = new TestRuntime(o => o.Serializer = serializer);
        var get = Function(async (string id) => { await Task.Yield(); return new Cart { Items = [id] }; });

        await get("a");
        var deserializedByTheMiss = serializer.Deserialized; // the first value of a type is also read back once, to check the copy
        await get("a");

        Assert.True(serializer.Serialized >= 1);
        Assert.Equal(1, serializer.Deserialized - deserializedByTheMiss);
    }

    private sealed class CountingSerializer : ICacheSerializer
    {
        private readonly JsonCacheSerializer _inner = new();

        public int Serialized { get; private set; }

        public int Deserialized { get; private set; }

        public void Serialize<T>(T value, IBufferWriter<byte> destination)
        {
            Serialized++;
            _inner.Serialize(value, destination);
        }

        public T Deserialize<T>(ReadOnlySpan<byte> source)
        {
            Deserialized++;
            return _inner.Deserialize<T>(source);
        }
    }
}
