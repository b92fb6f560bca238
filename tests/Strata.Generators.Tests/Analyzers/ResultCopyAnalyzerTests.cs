using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.ResultCopyAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>STRATA030: a [UseCache] result type whose copies would not be what the call returned (the run time returns such results uncached).</summary>
public sealed class ResultCopyAnalyzerTests
{
    private const string Json = "using System.Text.Json.Serialization; using System.Collections.Immutable;\n";

    [Fact]
    public Task TypesThatCopyFaithfully_NoDiagnostic() => V.Analyzer(Json + """
        public class Item { public string Name { get; set; } = ""; public List<int> Scores { get; set; } = []; public int Count; }
        public record Row(string Id, List<string> Tags) { public int Extra { get; init; } }
        public class Bound(string name, List<int> items) { public string Name { get; } = name; public List<int> Items { get; } = items; }
        public class Included { [JsonInclude] public string Name { get; private set; } = ""; [JsonIgnore] public int Computed => 1; }
        public class Backed { private string _name = ""; public string Name { get => _name; set => _name = value; } }
        [JsonDerivedType(typeof(Circle), "circle")] public abstract class Shape { public string Label { get; set; } = ""; }
        public sealed class Circle : Shape { public double Radius { get; set; } }
        public struct Point { public int X; public int Y { get; set; } }
        public class Catalog
        {
            [UseCache] public virtual Task<Item> A() => Task.FromResult(new Item());
            [UseCache] public virtual Task<List<Row>> B() => Task.FromResult(new List<Row>());
            [UseCache] public virtual Task<Dictionary<string, Bound>> C() => Task.FromResult(new Dictionary<string, Bound>());
            [UseCache] public virtual Task<Included> D() => Task.FromResult(new Included());
            [UseCache] public virtual Task<Backed[]> E() => Task.FromResult(new Backed[0]);
            [UseCache] public virtual Task<Shape> F() => Task.FromResult<Shape>(new Circle());
            [UseCache] public virtual Task<IReadOnlyList<Point>> G() => Task.FromResult<IReadOnlyList<Point>>([]);
            [UseCache] public virtual Task<Dictionary<Guid, List<DateTime>>> H() => Task.FromResult(new Dictionary<Guid, List<DateTime>>());
        }
        """);

    [Fact]
    public Task StateTheSerializerCannotRestore_STRATA030() => V.Analyzer(Json + """
        public class Hidden { private int _visits; public string Name { get; set; } = ""; public void Visit() => _visits++; }
        public class PrivateSetter { public string Name { get; private set; } = ""; }
        public class GetOnly { public List<string> Items { get; } = []; }
        public class ReadOnlyField { public readonly int Count; public string Name { get; set; } = ""; }
        public class Ignored { [JsonIgnore] public string Secret { get; set; } = ""; }
        public class Evented { public event EventHandler? Changed; public string Name { get; set; } = ""; }
        public class Catalog
        {
            [UseCache] public virtual Task<{|STRATA030:Hidden|}> A() => Task.FromResult(new Hidden());
            [UseCache] public virtual Task<{|STRATA030:PrivateSetter|}> B() => Task.FromResult(new PrivateSetter());
            [UseCache] public virtual Task<{|STRATA030:GetOnly|}> C() => Task.FromResult(new GetOnly());
            [UseCache] public virtual Task<{|STRATA030:ReadOnlyField|}> D() => Task.FromResult(new ReadOnlyField());
            [UseCache] public virtual Task<{|STRATA030:Ignored|}> E() => Task.FromResult(new Ignored());
            [UseCache] public virtual Task<{|STRATA030:Evented|}> F() => Task.FromResult(new Evented());
        }
        """);

    [Fact]
    public Task MembersJsonCannotCopy_STRATA030() => V.Analyzer(Json + """
        public interface IShape { double Area { get; } }
        public abstract class Animal { public string Name { get; set; } = ""; }
        public class WithObject { public object? Value { get; set; } }
        public class WithInterface { public IShape? Shape { get; set; } }
        public class WithStack { public Stack<int> Pages { get; set; } = new(); }
        public record Key(int A, int B);
        public class WithRecordKeys { public Dictionary<Key, string> Names { get; set; } = []; }
        public class Bag : List<int> { public string Label { get; set; } = ""; }
        public class Catalog
        {
            [UseCache] public virtual Task<{|STRATA030:WithObject|}> A() => Task.FromResult(new WithObject());
            [UseCache] public virtual Task<{|STRATA030:WithInterface|}> B() => Task.FromResult(new WithInterface());
            [UseCache] public virtual Task<{|STRATA030:WithStack|}> C() => Task.FromResult(new WithStack());
            [UseCache] public virtual Task<{|STRATA030:WithRecordKeys|}> D() => Task.FromResult(new WithRecordKeys());
            [UseCache] public virtual Task<{|STRATA030:Bag|}> E() => Task.FromResult(new Bag());
            [UseCache] public virtual Task<{|STRATA030:Animal|}> F() => Task.FromResult<Animal>(null!);
            [UseCache] public virtual Task<{|STRATA030:IShape|}> G() => Task.FromResult<IShape>(null!);
            [UseCache] public virtual Task<{|STRATA030:List<object>|}> H() => Task.FromResult(new List<object>());
        }
        """);

    [Fact]
    public Task ImmutableResults_AreCheckedOnlyForKindsThatMayKeepBytes() => V.Analyzer(Json + """
        public sealed class Money { private readonly decimal _amount; public Money(decimal amount, string currency) { _amount = amount; Currency = currency; } public string Currency { get; } public decimal Doubled => _amount * 2; }
        public class Catalog
        {
            [UseCache] public virtual Task<Money> Shared() => Task.FromResult(new Money(1, "EUR"));
            [UseCache("remote")] public virtual Task<{|STRATA030:Money|}> Remote() => Task.FromResult(new Money(1, "EUR"));
            [UseCache("private")] public virtual Task<Money> Private() => Task.FromResult(new Money(1, "EUR"));
        }
        """);

    [Fact]
    public async Task TheMessage_NamesTheMemberTheReasonAndTheFixes()
    {
        var diagnostic = Assert.Single(await V.Diagnostics(Json + """
            public class Owner { public string Name { get; private set; } = ""; }
            public class Pet { public Owner Owner { get; set; } = new(); }
            public class Catalog { [UseCache] public virtual Task<List<Pet>> Pets() => Task.FromResult(new List<Pet>()); }
            """));
        var message = diagnostic.GetMessage();

        Assert.Equal("STRATA030", diagnostic.Id);
        Assert.Contains("'Catalog.Pets' returns List<Pet>, which holds Owner in 'List<Pet>[].Owner', which has the property 'Name' whose setter is not public (mark it [JsonInclude])", message, StringComparison.Ordinal);
        Assert.Contains("returned uncached", message, StringComparison.Ordinal);
        Assert.Contains("[ImmutableObject(true)]", message, StringComparison.Ordinal);
        Assert.Contains("StrataOptions.Serializer", message, StringComparison.Ordinal);
    }

    [Fact]
    public Task AResultThatCannotBeCopied_IsNotAlsoReportedAsCopied() => Support.Verify<UseCacheDeclarationAnalyzer>.Analyzer("""
        public class Hidden { private int _visits; public string Name { get; set; } = ""; public void Visit() => _visits++; }
        public class Item { public string Name { get; set; } = ""; }
        public class Catalog
        {
            [UseCache] public virtual Task<Hidden> A() => Task.FromResult(new Hidden());
            [UseCache] public virtual Task<{|STRATA015:Item|}> B() => Task.FromResult(new Item());
        }
        """);
}
