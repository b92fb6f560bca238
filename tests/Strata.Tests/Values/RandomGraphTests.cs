using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;
using Strata.Tests.Support;
using Xunit.Abstractions;
using static Strata.Cache;

namespace Strata.Tests.Values;

/// <summary>
/// Seeded random object graphs of many shapes (nested objects, lists, arrays, dictionaries, public fields, derived types
/// in base-typed slots, records open and sealed, private setters, object members, exact values such as -0.0 and decimal
/// scales): for every graph, a later hit is deeply equal to what the miss returned, and what one caller changes in its
/// result no other caller sees. Run longer with STRATA_TEST_ITERATIONS, another graph set with STRATA_TEST_SEED.
/// </summary>
public sealed class RandomGraphTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261125;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AHit_IsDeeplyEqualToTheMiss_AndIsolatedFromOtherCallers(bool bytes)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("STRATA_TEST_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("STRATA_TEST_ITERATIONS"), CultureInfo.InvariantCulture, out var i) ? i : 300;
        using var t = bytes ? new TestRuntime(handlers: [new("default", new BytesHandler(new JsonCacheSerializer()))]) : new TestRuntime();
        var runs = new Counter();
        var shapes = new Shapes(runs);
        var random = new Random(seed);
        var cached = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var shape = Shapes.Names[random.Next(Shapes.Names.Length)];
            var asObject = random.Next(4) == 0; // declared as object: the runtime type is not the declared one
            var graph = random.Next();
            var context = $"seed {seed}, iteration {iteration}, {shape} #{graph}{(asObject ? " returned as object" : "")} ({(bytes ? "bytes" : "memory")} handler)";
            try
            {
                var before = runs.Count;
                var miss = await shapes.Call(shape, graph, asObject);
                var hit = await shapes.Call(shape, graph, asObject);
                cached += runs.Count - before == 1 ? 1 : 0;
                DeepEquality.AssertEqual(Shapes.Build(shape, graph), miss, context + ", the miss");
                DeepEquality.AssertEqual(miss, hit, context + ", the hit");

                Graphs.Mutate(miss, new Random(graph));
                Graphs.Mutate(hit, new Random(graph + 1));
                var later = await shapes.Call(shape, graph, asObject);
                DeepEquality.AssertEqual(Shapes.Build(shape, graph), later, context + ", a hit after two callers changed their results");
            }
            catch (Exception) when (Report(context))
            {
                throw;
            }
        }

        output.WriteLine($"seed {seed}: {iterations} graphs, {cached} cached, {iterations - cached} returned uncached");
        Assert.True(cached > iterations / 4, $"seed {seed}: only {cached} of {iterations} graphs were cached");
    }

    private bool Report(string context)
    {
        output.WriteLine("FAILED at " + context + " (rerun with STRATA_TEST_SEED)");
        return false;
    }

    /// <summary>One cached function per shape, declared with its own result type as applications declare them, and one declared as object.</summary>
    private sealed class Shapes(Counter runs)
    {
        public static readonly string[] Names = ["Node", "List<Node>", "Dictionary<string, Node>", "Order", "Bag", "Animal", "Point[]"];

        private readonly Func<int, Task<Graphs.Node>> _node = Function(async (int g) => { runs.Next(); await Task.Yield(); return Graphs.NewNode(g); });
        private readonly Func<int, Task<List<Graphs.Node>>> _nodes = Function(async (int g) => { runs.Next(); await Task.Yield(); return Graphs.NewNodes(g); });
        private readonly Func<int, Task<Dictionary<string, Graphs.Node>>> _byName = Function(async (int g) => { runs.Next(); await Task.Yield(); return Graphs.NewNodesByName(g); });
        private readonly Func<int, Task<Graphs.Order>> _order = Function(async (int g) => { runs.Next(); await Task.Yield(); return Graphs.NewOrder(g); });
        private readonly Func<int, Task<Graphs.Bag>> _bag = Function(async (int g) => { runs.Next(); await Task.Yield(); return Graphs.NewBag(g); });
        private readonly Func<int, Task<Graphs.Animal>> _animal = Function(async (int g) => { runs.Next(); await Task.Yield(); return Graphs.NewAnimal(g); });
        private readonly Func<int, Task<Graphs.Point[]>> _points = Function(async (int g) => { runs.Next(); await Task.Yield(); return Graphs.NewPoints(g); });
        private readonly Func<string, int, Task<object>> _object = Function(async (string shape, int g) => { runs.Next(); await Task.Yield(); return Build(shape, g); });

        public static object Build(string shape, int graph) => shape switch
        {
            "Node" => Graphs.NewNode(graph),
            "List<Node>" => Graphs.NewNodes(graph),
            "Dictionary<string, Node>" => Graphs.NewNodesByName(graph),
            "Order" => Graphs.NewOrder(graph),
            "Bag" => Graphs.NewBag(graph),
            "Animal" => Graphs.NewAnimal(graph),
            "Point[]" => Graphs.NewPoints(graph),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };

        public async Task<object> Call(string shape, int graph, bool asObject) => asObject ? await _object(shape, graph) : shape switch
        {
            "Node" => await _node(graph),
            "List<Node>" => await _nodes(graph),
            "Dictionary<string, Node>" => await _byName(graph),
            "Order" => await _order(graph),
            "Bag" => await _bag(graph),
            "Animal" => await _animal(graph),
            "Point[]" => await _points(graph),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }
}

/// <summary>Builds a graph from its number, always the same for the same number.</summary>
internal static class Graphs
{
    public enum Kind
    {
        Leaf,
        Branch,
        Root,
    }

    public class Node
    {
        public string Name { get; set; } = "";

        public int Number { get; set; }

        public double Ratio { get; set; }

        public decimal Price { get; set; }

        public DateTime When { get; set; }

        public DateTimeOffset Seen { get; set; }

        public Kind Kind;

        public (int Count, string Label) Pair;

        public List<Node> Children { get; set; } = [];

        public Dictionary<string, int> Counts { get; set; } = [];

        public int[] Values { get; set; } = [];

        public Node? Partner { get; set; }

        public int? Maybe { get; set; }
    }

    public sealed class SpecialNode : Node
    {
        public string Extra { get; set; } = "";
    }

    public record Line(string Sku, int Quantity, decimal Price);

    public sealed record NotedLine(string Sku, int Quantity, decimal Price, List<string> Notes) : Line(Sku, Quantity, Price);

    public sealed record Order(string Id, DateTime Placed, ImmutableArray<Line> Lines, ImmutableDictionary<string, string> Meta);

    public sealed class Bag
    {
        public Dictionary<int, List<string>> ByNumber { get; set; } = [];

        public object? Anything { get; set; }

        public Stack<int>? Pages { get; set; }

        public double[] Doubles = [];

        public Secret? Secret { get; set; }
    }

    public sealed class Secret
    {
        public Secret()
        {
        }

        public Secret(string value) => Value = value;

        public string Value { get; private set; } = "";
    }

    [JsonDerivedType(typeof(Animal), "animal")]
    [JsonDerivedType(typeof(Dog), "dog")]
    public class Animal
    {
        public string Name { get; set; } = "";

        public List<string> Toys { get; set; } = [];
    }

    public sealed class Dog : Animal
    {
        public bool GoodBoy { get; set; }
    }

    public struct Point
    {
        public int X;

        public double Y { get; set; }
    }

    public static Node NewNode(int graph) => MakeNode(new Random(graph), 0);

    public static List<Node> NewNodes(int graph)
    {
        var random = new Random(graph);
        return Enumerable.Range(0, random.Next(4)).Select(_ => MakeNode(random, 1)).ToList();
    }

    public static Dictionary<string, Node> NewNodesByName(int graph)
    {
        var random = new Random(graph);
        var result = new Dictionary<string, Node>();
        for (var i = random.Next(4); i > 0; i--)
        {
            var node = MakeNode(random, 1);
            result[node.Name + i.ToString(CultureInfo.InvariantCulture)] = node;
        }

        return result;
    }

    public static Order NewOrder(int graph)
    {
        var random = new Random(graph);
        var lines = Enumerable.Range(0, random.Next(5)).Select(i => random.Next(4) == 0
            ? new NotedLine(Text(random), i, Money(random), [Text(random)])
            : new Line(Text(random), i, Money(random)));
        return new Order(Text(random), Date(random), [.. lines], ImmutableDictionary<string, string>.Empty.Add("k", Text(random)));
    }

    public static Bag NewBag(int graph)
    {
        var random = new Random(graph);
        var bag = new Bag { Doubles = [.. Enumerable.Range(0, random.Next(4)).Select(_ => Double(random))] };
        for (var i = random.Next(3); i > 0; i--)
        {
            bag.ByNumber[random.Next(-5, 5)] = [Text(random)];
        }

        bag.Anything = random.Next(4) switch
        {
            0 => null,
            1 => random.Next(),
            2 => Text(random),
            _ => MakeNode(random, 2),
        };
        bag.Pages = random.Next(3) == 0 ? new Stack<int>(Enumerable.Range(0, random.Next(4))) : null;
        bag.Secret = random.Next(3) == 0 ? new Secret(Text(random)) : null;
        return bag;
    }

    public static Animal NewAnimal(int graph)
    {
        var random = new Random(graph);
        return random.Next(2) == 0
            ? new Animal { Name = Text(random), Toys = [Text(random)] }
            : new Dog { Name = Text(random), GoodBoy = random.Next(2) == 0 };
    }

    public static Point[] NewPoints(int graph)
    {
        var random = new Random(graph);
        return [.. Enumerable.Range(0, random.Next(5)).Select(_ => new Point { X = random.Next(), Y = Double(random) })];
    }

    /// <summary>Changes what a caller can change in a graph: lists, dictionaries, settable members, array items.</summary>
    public static void Mutate(object? value, Random random)
    {
        switch (value)
        {
            case Node node:
                node.Name += "!";
                node.Kind = Kind.Root;
                node.Pair.Label = "changed";
                node.Counts["changed"] = 1;
                if (node.Values.Length > 0)
                {
                    node.Values[0]++;
                }

                foreach (var child in node.Children.ToList())
                {
                    Mutate(child, random);
                }

                node.Children.Add(new Node());
                break;
            case List<Node> nodes:
                nodes.ForEach(n => Mutate(n, random));
                nodes.Add(new Node());
                break;
            case Dictionary<string, Node> byName:
                foreach (var node in byName.Values)
                {
                    Mutate(node, random);
                }

                byName["changed"] = new Node();
                break;
            case Order order:
                foreach (var line in order.Lines.OfType<NotedLine>())
                {
                    line.Notes.Add("changed");
                }

                break;
            case Bag bag:
                bag.ByNumber[99] = ["changed"];
                foreach (var list in bag.ByNumber.Values)
                {
                    list.Add("changed");
                }

                if (bag.Doubles.Length > 0)
                {
                    bag.Doubles[0] = random.NextDouble();
                }

                bag.Pages?.Push(-1);
                Mutate(bag.Anything, random);
                break;
            case Animal animal:
                animal.Name += "!";
                animal.Toys.Add("changed");
                break;
            case Point[] points when points.Length > 0:
                points[0].X++;
                break;
        }
    }

    private static Node MakeNode(Random random, int depth)
    {
        var node = random.Next(5) == 0 ? new SpecialNode { Extra = Text(random) } : new Node();
        node.Name = Text(random);
        node.Number = random.Next(int.MinValue, int.MaxValue);
        node.Ratio = Double(random);
        node.Price = Money(random);
        node.When = Date(random);
        node.Seen = new DateTimeOffset(Date(random).Ticks, TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60)));
        node.Kind = (Kind)random.Next(3);
        node.Pair = (random.Next(), Text(random));
        node.Values = [.. Enumerable.Range(0, random.Next(4)).Select(_ => random.Next())];
        node.Maybe = random.Next(2) == 0 ? null : random.Next();
        for (var i = random.Next(3); i > 0; i--)
        {
            node.Counts[Text(random) + i.ToString(CultureInfo.InvariantCulture)] = random.Next();
        }

        if (depth < 3)
        {
            for (var i = random.Next(3); i > 0; i--)
            {
                node.Children.Add(MakeNode(random, depth + 1));
            }

            if (random.Next(4) == 0)
            {
                node.Partner = MakeNode(random, depth + 1);
            }
        }

        return node;
    }

    private static string Text(Random random) => random.Next(6) switch
    {
        0 => "",
        1 => "\u00e9\u4e2d\ud83d\ude00",
        2 => "quote \" backslash \\ newline \n",
        _ => "t" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
    };

    private static double Double(Random random) => random.Next(8) switch
    {
        0 => -0.0,
        1 => double.NaN,
        2 => double.PositiveInfinity,
        3 => double.Epsilon,
        4 => random.NextDouble() * 1e300,
        _ => random.NextDouble(),
    };

    private static decimal Money(Random random) => random.Next(3) switch
    {
        0 => 1.50m,
        1 => new decimal(random.Next(), random.Next(), 0, random.Next(2) == 0, (byte)random.Next(29)),
        _ => random.Next(10000) / 100m,
    };

    private static DateTime Date(Random random)
    {
        var ticks = new DateTime(2000, 1, 1).Ticks + (long)(random.NextDouble() * TimeSpan.FromDays(365 * 40).Ticks);
        return new DateTime(ticks, (DateTimeKind)random.Next(3));
    }
}
