namespace Strata.Tests.Model;

/// <summary>
/// The data the cached functions of the model test read: a version per record (a database row) and whether reading it fails.
/// Shared by the engine and the model; the engine sees it as infrastructure (registered pass-through, like a DbContext).
/// </summary>
internal sealed class World
{
    public const int Records = 4;

    public int[] Versions { get; } = new int[Records + 1];

    public bool[] Broken { get; } = new bool[Records + 1];

    /// <summary>How many times each function's body ran.</summary>
    public Dictionary<string, int> Runs { get; } = new(StringComparer.Ordinal);

    public void Ran(string function)
    {
        lock (Runs)
        {
            Runs[function] = Runs.GetValueOrDefault(function) + 1;
        }
    }

    public Dictionary<string, int> RunsSnapshot()
    {
        lock (Runs)
        {
            return new Dictionary<string, int>(Runs, StringComparer.Ordinal);
        }
    }

    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterAsPassThrough() => CacheKeyPassThrough.Register(typeof(World));
}

/// <summary>The lifetimes a function sets with CacheLife, or none.</summary>
internal sealed record Life(double? Stale, double? Revalidate, double? Expire)
{
    public static readonly Life Minutes = new(300, 60, 3600);
    public static readonly Life Hours = new(300, 3600, 86400);
    public static readonly Life Seconds = new(30, 1, 60);
}

/// <summary>
/// One cached function of the model test, described once and run by both sides: the engine wraps <see cref="Body"/> in
/// <c>Cache.Function</c>; the model interprets the same description with its own caching rules. All take (int id, string c).
/// </summary>
internal sealed record FunctionSpec(
    string Name,
    string Kind,
    string? Captured,
    Func<int, string, string[]> Tags,
    Func<int, string, Life?> Life,
    Func<int, string, (string Function, int Id, string C)[]> Nested)
{
    public bool IsPrivate => Kind == "private";

    /// <summary>The value the body returns: what it read, the values of its nested calls, and when it ran.</summary>
    public string Format(World world, int id, string c, IReadOnlyList<string> nested, long now)
    {
        var region = Captured is null ? "" : "/" + Captured;
        var inner = nested.Count == 0 ? "" : "[" + string.Join("|", nested) + "]";
        return $"{Name}{region}({id},{c}):v{world.Versions[id]}{inner}@{now}";
    }

    /// <summary>The error the body throws when its record is broken.</summary>
    public string Failure(int id) => $"{Name}({id}) failed: record {id} is broken";
}

internal static class Functions
{
    public static readonly FunctionSpec Product = new(
        "product", "default", null,
        (id, _) => ["p" + id, "products"],
        (id, _) => (id % 3) switch { 1 => Life.Minutes, 2 => new Life(null, 5, 20), _ => null },
        (_, _) => []);

    public static readonly FunctionSpec Price = new(
        "price", "remote", null,
        (id, c) => ["p" + id, "price-" + c],
        (_, _) => Life.Seconds,
        (_, _) => []);

    public static readonly FunctionSpec Page = new(
        "page", "default", null,
        (_, _) => ["page"],
        (n, _) => n % 2 == 1 ? Life.Hours : null,
        (n, _) => [("product", n, ""), ("product", Math.Min(n + 1, World.Records), "")]);

    public static readonly FunctionSpec RegionalEu = Regional("eu");

    public static readonly FunctionSpec RegionalUs = Regional("us");

    public static readonly FunctionSpec Mine = new(
        "mine", "private", null,
        (id, _) => ["mine"],
        (_, _) => new Life(60, null, null),
        (id, _) => [("product", id, "")]);

    public static readonly FunctionSpec Service = new(
        "service", "default", null,
        (id, _) => ["svc" + id],
        (_, _) => new Life(null, 30, 120),
        (_, _) => []);

    public static readonly FunctionSpec[] All = [Product, Price, Page, RegionalEu, RegionalUs, Mine, Service];

    private static readonly Dictionary<string, FunctionSpec> ById = All.ToDictionary(Id, StringComparer.Ordinal);

    /// <summary>The name a function goes by in operations: its name, and the captured region for the regional ones.</summary>
    public static string Id(FunctionSpec spec) => spec.Name + (spec.Captured is null ? "" : "-" + spec.Captured);

    public static FunctionSpec Get(string id) => ById[id];

    private static FunctionSpec Regional(string region) => new(
        "regional", "default", region,
        (id, _) => ["p" + id, "regional"],
        (_, _) => Life.Minutes,
        (_, _) => []);
}
