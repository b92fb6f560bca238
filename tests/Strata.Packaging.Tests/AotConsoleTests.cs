namespace Strata.Packaging.Tests;

/// <summary>
/// A fresh <c>dotnet new console</c> app consuming the Strata package by name, published with Native AOT
/// (<c>PublishAot=true</c>, warnings as errors, every trim and AOT warning named) and run: its <c>[UseCache]</c> methods
/// (keyed by generated key members) are cached, and copy a mutable result with a source-generated JSON context.
/// </summary>
public sealed class AotConsoleTests
{
    [Fact]
    public async Task NativeAotApp_PublishesWithoutWarnings_CachesItsMethods_AndKeysThemByArgument()
    {
        var app = await CreateAsync();

        var output = Path.Combine(app, "aot");
        var publish = await LocalFeed.RunAsync("dotnet", ["publish", "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-v", "q"], app, TimeSpan.FromMinutes(15));
        var run = await LocalFeed.RunAsync(Path.Combine(output, "FirstHourAot"), [], app, TimeSpan.FromMinutes(1));

        Assert.DoesNotContain("warning", publish, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("calls=1 same=True", run, StringComparison.Ordinal);
        Assert.Contains("records distinct=True cached=True", run, StringComparison.Ordinal);
        Assert.Contains("lists distinct=True cached=True", run, StringComparison.Ordinal);
        Assert.Contains("copied cached=True copy=True", run, StringComparison.Ordinal);
        Assert.Contains("function refused=True", run, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CacheFunction_InANativeAotApp_IsReportedAtItsCallSite()
    {
        var app = await CreateAsync();

        var build = await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(() =>
            LocalFeed.RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", "-p:DefineConstants=CALL_FUNCTION", "-o", Path.Combine(app, "function")], app, TimeSpan.FromMinutes(6)));

        Assert.Matches(@"Program\.cs\(\d+,\d+\): error IL2026: Using member 'Strata\.Cache\.Function", build.Message);
        Assert.Matches(@"Program\.cs\(\d+,\d+\): error IL3050: Using member 'Strata\.Cache\.Function", build.Message);
    }

    private static readonly Lazy<Task<string>> App = new(async () =>
    {
        var app = await LocalFeed.NewAppAsync("console", "FirstHourAot");
        await LocalFeed.RunAsync("dotnet", ["add", "package", "Strata", "--version", LocalFeed.Version, "--no-restore"], app);
        await LocalFeed.RunAsync("dotnet", ["add", "package", "Microsoft.Extensions.DependencyInjection", "--version", "10.0.13", "--no-restore"], app);
        var project = Path.Combine(app, "FirstHourAot.csproj");
        var text = await File.ReadAllTextAsync(project);
        await File.WriteAllTextAsync(project, text.Replace("</PropertyGroup>", """
                <PublishAot>true</PublishAot>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <TrimmerSingleWarn>false</TrimmerSingleWarn>
              </PropertyGroup>
            """, StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Program);
        return app;
    });

    private static Task<string> CreateAsync() => App.Value;

    private const string Program = """
            using System.Diagnostics.CodeAnalysis;
            using System.Text.Json.Serialization;
            using Microsoft.Extensions.DependencyInjection;
            using Strata;

            var services = new ServiceCollection();
            services.AddSingleton<Prices>();
            services.AddStrata(o => o.Serializer = new JsonCacheSerializer(AppJson.Default));
            using var provider = services.BuildServiceProvider();

            var prices = provider.GetRequiredService<Prices>();
            var first = await prices.Get("p1");
            var second = await prices.Get("p1");
            Console.WriteLine($"calls={Upstream.Calls} same={first == second}");

            var two = await prices.Quote(new Item("p1", 2));
            var three = await prices.Quote(new Item("p1", 3));
            var twoAgain = await prices.Quote(new Item("p1", 2));
            Console.WriteLine($"records distinct={two != three} cached={two == twoAgain}");

            var pair = await prices.Total([new Item("p1", 1), new Item("p2", 1)]);
            var other = await prices.Total([new Item("p1", 1), new Item("p3", 1)]);
            var pairAgain = await prices.Total([new Item("p1", 1), new Item("p2", 1)]);
            Console.WriteLine($"lists distinct={pair != other} cached={pair == pairAgain}");

            var calls = Upstream.Calls;
            var cart = await prices.Cart("c1");
            cart.Lines.Add("changed by the caller");
            var cartAgain = await prices.Cart("c1");
            Console.WriteLine($"copied cached={Upstream.Calls == calls + 1} copy={cartAgain.Lines.Count == 1}");

            Console.WriteLine($"function refused={FunctionRefused()}");

            #if CALL_FUNCTION
            var cached = Cache.Function((string id) => Task.FromResult(id.Length)); // reported here: IL2026, IL3050
            #endif

            // Calling it anyway (the warnings suppressed): refused at run time with the fix, never keyed wrongly.
            [UnconditionalSuppressMessage("Trimming", "IL2026")]
            [UnconditionalSuppressMessage("AOT", "IL3050")]
            static bool FunctionRefused()
            {
                try
                {
                    Cache.Function((string id) => Task.FromResult(id.Length));
                    return false;
                }
                catch (NotSupportedException e) when (e.Message.Contains("[UseCache]"))
                {
                    return true;
                }
            }

            public sealed record Item(string Id, int Quantity);

            public sealed class CartView
            {
                public List<string> Lines { get; set; } = [];
            }

            [JsonSerializable(typeof(CartView))]
            internal sealed partial class AppJson : JsonSerializerContext;

            public static class Upstream
            {
                private static int s_calls;

                public static int Calls => Volatile.Read(ref s_calls);

                public static decimal Load(string id) => Interlocked.Increment(ref s_calls) + id.Length;
            }

            public class Prices
            {
                [UseCache]
                public virtual Task<decimal> Get(string id) => Task.FromResult(Upstream.Load(id));

                [UseCache]
                public virtual Task<decimal> Quote(Item item) => Task.FromResult(Upstream.Load(item.Id) * item.Quantity);

                [UseCache]
                public virtual Task<decimal> Total(List<Item> items) => Task.FromResult(items.Sum(i => Upstream.Load(i.Id) * i.Quantity));

            #pragma warning disable STRATA015 // mutable on purpose: copied through the JSON context
                [UseCache]
                public virtual Task<CartView> Cart(string id) => Task.FromResult(new CartView { Lines = [id + ":" + Upstream.Load(id)] });
            #pragma warning restore STRATA015
            }
            """;
}
