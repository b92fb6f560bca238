namespace Strata.Packaging.Tests;

/// <summary>
/// A fresh <c>dotnet new console</c> app with <c>[UseCache]</c> methods, consuming the Strata package by name: built and
/// run, then published trimmed and run (one app, made once).
/// </summary>
public sealed class ConsoleTemplateTests
{
    private static readonly Lazy<Task<string>> App = new(CreateAsync);

    [Fact]
    public async Task FreshConsoleApp_WithThePackage_CachesAMethod_AndRunsTheAnalyzers()
    {
        var app = await App.Value;

        var build = await LocalFeed.RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q"], app);
        var run = await LocalFeed.RunAsync("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "FirstHourConsole.dll")], app, TimeSpan.FromMinutes(1));

        Assert.Contains("STRATA016", build, StringComparison.Ordinal);
        Assert.Contains("calls=1 same=True", run, StringComparison.Ordinal);
        Assert.Contains("records distinct=True cached=True", run, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrimmedConsoleApp_CachesAMethod_AndKeysItsRecordParameter()
    {
        var app = await App.Value;

        var output = Path.Combine(app, "trimmed");
        await LocalFeed.RunAsync("dotnet", ["publish", "-c", "Release", "-r", "linux-x64", "--self-contained", "-p:PublishTrimmed=true", "-o", output, "-nologo", "-v", "q"], app, TimeSpan.FromMinutes(8));
        var run = await LocalFeed.RunAsync(Path.Combine(output, "FirstHourConsole"), [], app, TimeSpan.FromMinutes(1));

        Assert.Contains("calls=1 same=True", run, StringComparison.Ordinal);
        Assert.Contains("records distinct=True cached=True", run, StringComparison.Ordinal);
    }

    private static async Task<string> CreateAsync()
    {
        var app = await LocalFeed.NewAppAsync("console", "FirstHourConsole");
        await LocalFeed.RunAsync("dotnet", ["add", "package", "Strata", "--version", LocalFeed.Version, "--no-restore"], app);
        await LocalFeed.RunAsync("dotnet", ["add", "package", "Microsoft.Extensions.DependencyInjection", "--version", "10.0.13", "--no-restore"], app);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Program);
        return app;
    }

    private const string Program = """
            using Microsoft.Extensions.DependencyInjection;
            using Strata;
            using static Strata.Cache;

            var services = new ServiceCollection();
            services.AddSingleton<Prices>();
            services.AddStrata();
            using var provider = services.BuildServiceProvider();

            var prices = provider.GetRequiredService<Prices>();
            var first = await prices.Get("p1");
            var second = await prices.Get("p1");
            Console.WriteLine($"calls={Upstream.Calls} same={first == second}");
            var two = await prices.Quote(new Item("p1", 2));
            var three = await prices.Quote(new Item("p1", 3));
            var twoAgain = await prices.Quote(new Item("p1", 2));
            Console.WriteLine($"records distinct={two != three} cached={two == twoAgain}");

            public sealed record Item(string Id, int Quantity);

            public static class Upstream
            {
                private static int s_calls;

                public static int Calls => Volatile.Read(ref s_calls);

                public static decimal Load(string id) => Interlocked.Increment(ref s_calls) + id.Length;
            }

            public class Prices
            {
                [UseCache]
                public virtual Task<decimal> Get(string id)
                {
                    CacheTag("prices");
                    return Task.FromResult(Upstream.Load(id));
                }

                [UseCache]
                public virtual Task<decimal> Quote(Item item) => Task.FromResult(Upstream.Load(item.Id) * item.Quantity);

                [UseCache]
                public virtual Task<int> Typo(string id)
                {
                    CacheLife("hour"); // STRATA016: shows that the analyzers run
                    return Task.FromResult(id.Length);
                }
            }
            """;
}
