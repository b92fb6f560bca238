using System.Globalization;

namespace Strata.Tests.Model;

/// <summary>One step of a generated sequence. <see cref="ToString"/> is the line printed for a failing sequence.</summary>
internal abstract record Op;

/// <summary>The clock moves forward.</summary>
internal sealed record Advance(long Milliseconds) : Op
{
    public override string ToString() => $"advance {Milliseconds} ms";
}

/// <summary>A record changes in the database, with no invalidation.</summary>
internal sealed record Write(int Id) : Op
{
    public override string ToString() => $"write record {Id}";
}

/// <summary>Reading a record starts or stops failing.</summary>
internal sealed record Break(int Id, bool Broken) : Op
{
    public override string ToString() => Broken ? $"break record {Id}" : $"repair record {Id}";
}

/// <summary>A call of a cached function.</summary>
internal sealed record Read(string Function, int Id, string C) : Op
{
    public override string ToString() => $"read {Function}({Id},{C})";
}

/// <summary><c>UpdateTag</c>.</summary>
internal sealed record UpdateTagOp(string Tag) : Op
{
    public override string ToString() => $"UpdateTag {Tag}";
}

/// <summary><c>RevalidateTag</c> with a profile (<c>"max"</c> when <see cref="Expire"/> is null), or without one.</summary>
internal sealed record RevalidateTagOp(string Tag, bool WithProfile, double? Expire) : Op
{
    public override string ToString() => !WithProfile ? $"RevalidateTag {Tag}" : Expire is { } e ? $"RevalidateTag {Tag} {{expire: {e.ToString(CultureInfo.InvariantCulture)}}}" : $"RevalidateTag {Tag} max";
}

/// <summary><c>RevalidatePath</c>.</summary>
internal sealed record RevalidatePathOp(string Path, string? Type) : Op
{
    public override string ToString() => Type is null ? $"RevalidatePath {Path}" : $"RevalidatePath {Path} {Type}";
}

/// <summary><c>Refresh</c>.</summary>
internal sealed record RefreshOp : Op
{
    public override string ToString() => "Refresh";
}

/// <summary>A request (render, action or handler) that runs its steps in order, rendering <see cref="Path"/> of <see cref="Route"/>.</summary>
internal sealed record RequestOp(CacheRequestPhase Phase, string Route, string Path, Op[] Steps) : Op
{
    public override string ToString() => $"{Phase.ToString().ToLowerInvariant()} request {Path} {{ {string.Join("; ", Steps.Select(s => s.ToString()))} }}";
}

/// <summary>
/// Concurrent callers outside requests, 1 ms after the last step, of records repaired first: every read
/// <see cref="Copies"/> times at once. Its functions call no other cached function, so which caller runs first decides
/// nothing but which one waits.
/// </summary>
internal sealed record Burst(Read[] Reads, int Copies) : Op
{
    public override string ToString() => $"advance 1 ms, repair, then burst x{Copies} [{string.Join(", ", Reads.Select(r => r.ToString()))}]";
}

/// <summary>Concurrent readers of product(<see cref="Id"/>) while the record is written and its tag updated in an action.</summary>
internal sealed record Race(int Id, int Readers) : Op
{
    public override string ToString() => $"race {Readers} readers of product({Id}) against write + UpdateTag p{Id}";
}

/// <summary>The routes the requests render, with a path of each.</summary>
internal static class Routes
{
    public static readonly (string Route, string Path)[] All =
    [
        ("/", "/"),
        ("/product/{id}", "/product/1"),
        ("/product/{id}", "/product/2"),
        ("/page/{n}", "/page/0"),
    ];
}

/// <summary>Makes random sequences of operations from a seed.</summary>
internal sealed class Generator(int seed)
{
    private static readonly long[] Steps = [0, 1, 1, 500, 1000, 2000, 6000, 31_000, 61_000, 301_000, 3_601_000];
    private static readonly string[] Currencies = ["EUR", "USD"];
    private readonly Random _random = new(seed);

    public List<Op> Sequence(int length, bool concurrency)
    {
        var ops = new List<Op>(length);
        for (var i = 0; i < length; i++)
        {
            ops.Add(Next(concurrency));
        }

        return ops;
    }

    private Op Next(bool concurrency)
    {
        var roll = _random.Next(100);
        return roll switch
        {
            < 14 => new Advance(Steps[_random.Next(Steps.Length)]),
            < 20 => new Write(Id()),
            < 23 => new Break(Id(), _random.Next(3) == 0),
            < 45 => PublicRead(),
            < 72 => Request(),
            < 78 => new RevalidateTagOp(Tag(), WithProfile: _random.Next(4) != 0, Expire: _random.Next(3) == 0 ? Pick([0d, 5, 30]) : null),
            < 82 => new RevalidatePathOp(Routes.All[_random.Next(Routes.All.Length)].Path, null),
            < 86 => new Read("mine", Id(), ""), // outside a request: refused
            < 93 when concurrency => new Burst(Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => PublicRead(nested: false)).ToArray(), 2 + _random.Next(6)),
            < 96 when concurrency => new Race(Id(), 2 + _random.Next(6)),
            _ => PublicRead(),
        };
    }

    private RequestOp Request()
    {
        var phase = _random.Next(10) switch { < 5 => CacheRequestPhase.Render, < 8 => CacheRequestPhase.Action, _ => CacheRequestPhase.Handler };
        var (route, path) = Routes.All[_random.Next(Routes.All.Length)];
        var steps = new List<Op>();
        var count = 1 + _random.Next(5);
        for (var i = 0; i < count; i++)
        {
            steps.Add(_random.Next(10) switch
            {
                < 6 => _random.Next(5) == 0 ? new Read("mine", Id(), "") : PublicRead(),
                6 => new UpdateTagOp(Tag()),
                7 => new RevalidateTagOp(Tag(), WithProfile: _random.Next(3) != 0, Expire: null),
                8 => new RevalidatePathOp(_random.Next(2) == 0 ? path : route, _random.Next(2) == 0 ? null : "page"),
                _ => new RefreshOp(),
            });
        }

        return new RequestOp(phase, route, path, steps.ToArray());
    }

    private Read PublicRead(bool nested = true)
    {
        string[] functions = nested ? ["product", "product", "price", "page", "regional-eu", "regional-us", "service"] : ["product", "price", "regional-eu", "service"];
        var function = Pick(functions);
        return new Read(function, Id(), function == "price" ? Pick(Currencies) : "");
    }

    private string Tag() => _random.Next(6) switch
    {
        0 => "products",
        1 => "page",
        2 => "price-" + Pick(Currencies),
        3 => "svc" + Id(),
        _ => "p" + Id(),
    };

    private int Id() => _random.Next(World.Records);

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
