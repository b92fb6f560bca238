using Microsoft.Extensions.Time.Testing;
using static Strata.Cache;

namespace Strata.Tests.Model;

/// <summary>
/// The model test's functions on the real engine: each <see cref="FunctionSpec"/> as a <c>Cache.Function</c> lambda (the
/// function's name and captured region are captured variables, so they are part of its key), and "service" through the
/// entry point generated <c>[UseCache]</c> methods use (<see cref="CacheRuntime.RunMethodTaskAsync"/>, front table first).
/// </summary>
internal sealed class EngineDriver
{
    private static readonly CacheFunction ServiceFunction = CacheFunction.Create("model-test.Service.Get(int,string)", "default", "Service.Get", "id", "c");

    private readonly Dictionary<string, Func<int, string, Task<string>>> _functions = new(StringComparer.Ordinal);

    public EngineDriver(CacheRuntime runtime, FakeTimeProvider time, World world)
    {
        Runtime = runtime;
        Context = new DriverContext(this, world, time);
        foreach (var spec in Functions.All.Where(f => f != Functions.Service))
        {
            _functions[Functions.Id(spec)] = Make(spec, Context);
        }
    }

    public CacheRuntime Runtime { get; }

    public DriverContext Context { get; }

    public Task<string> Call(string function, int id, string c) =>
        function == Functions.Id(Functions.Service) ? CallService(id, c) : _functions[function](id, c);

    private static Func<int, string, Task<string>> Make(FunctionSpec spec, DriverContext context)
    {
        var name = Functions.Id(spec); // captured and read: part of the key
        var region = spec.Captured;    // captured and read: part of the key
        return Function(
            async (int id, string c) =>
            {
                var s = Functions.Get(name);
                if (s.Captured != region)
                {
                    throw new InvalidOperationException("the captured region does not match the function");
                }

                return await Body(s, context, id, c);
            },
            spec.Kind);
    }

    /// <summary>What every cached function does: CacheTag, CacheLife, nested calls, then read the world.</summary>
    private static async Task<string> Body(FunctionSpec spec, DriverContext context, int id, string c)
    {
        var started = context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        CacheTag(spec.Tags(id, c));
        if (spec.Life(id, c) is { } life)
        {
            CacheLife(life.Stale, life.Revalidate, life.Expire);
        }

        var nested = new List<string>();
        foreach (var (function, nestedId, nestedC) in spec.Nested(id, c))
        {
            nested.Add(await context.Driver.Call(function, nestedId, nestedC));
        }

        await Task.Yield();
        context.World.Ran(spec.Name);
        if (context.World.Broken[id])
        {
            throw new InvalidOperationException(spec.Failure(id));
        }

        return spec.Format(context.World, id, c, nested, started);
    }

    /// <summary>As a generated [UseCache] override calls the engine.</summary>
    private Task<string> CallService(int id, string c)
    {
        var args = (id, c);
        if (Runtime.TryGetFromFront<(int, string), string>(ServiceFunction, args, out var hit))
        {
            return hit;
        }

        var key = new CacheKeyBuilder(ServiceFunction, stackalloc byte[256]);
        key.Add(id);
        key.Add(c);
        return Runtime.RunMethodTaskAsync(ServiceFunction, Context, args, ref key, static (context, a) => new ValueTask<string>(Body(Functions.Service, context, a.Item1, a.Item2)));
    }

    /// <summary>What the functions need that is not part of their key (infrastructure, like a DbContext).</summary>
    internal sealed class DriverContext(EngineDriver driver, World world, FakeTimeProvider time)
    {
        public EngineDriver Driver => driver;

        public World World => world;

        public FakeTimeProvider Time => time;

        [System.Runtime.CompilerServices.ModuleInitializer]
        internal static void RegisterAsPassThrough() => CacheKeyPassThrough.Register(typeof(DriverContext));
    }
}
