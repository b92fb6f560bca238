using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Keys;

/// <summary>
/// Issue 8, item 5: a captured value that is not plain data is left out of the key only when it is known infrastructure
/// (a type the DI container resolves, framework services, registered pass-through types); anything else is an error.
/// </summary>
public sealed class InfrastructureTests
{
    [Fact]
    public async Task ACapturedCulture_IsKeyedByItsName()
    {
        using var t = new TestRuntime();
        var calls = new Counter();

        async Task<string> Price(string cultureName)
        {
            var culture = CultureInfo.GetCultureInfo(cultureName);
            var format = Function(async (decimal price) =>
            {
                calls.Next();
                await Task.Yield();
                return price.ToString("N2", culture);
            });
            return await format(1234.5m);
        }

        Assert.Equal("1,234.50", await Price("en-US"));
        Assert.Equal("1.234,50", await Price("de-DE"));
        Assert.Equal("1,234.50", await Price("en-US"));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ACapturedWritableCulture_IsKeyedByItsFormatsToo()
    {
        using var t = new TestRuntime();
        var calls = new Counter();

        async Task<string> Price(CultureInfo culture)
        {
            var format = Function(async (decimal price) =>
            {
                calls.Next();
                await Task.Yield();
                return price.ToString("C", culture);
            });
            return await format(2m);
        }

        var euros = new CultureInfo("fr-FR");
        var points = new CultureInfo("fr-FR");
        points.NumberFormat.CurrencySymbol = "pts";

        Assert.EndsWith("€", await Price(euros), StringComparison.Ordinal);
        Assert.EndsWith("pts", await Price(points), StringComparison.Ordinal);
        Assert.EndsWith("€", await Price(new CultureInfo("fr-FR")), StringComparison.Ordinal);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ACapturedTimeZone_IsKeyedByItsId()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        var instant = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

        async Task<int> LocalHour(string zoneId)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            var hour = Function(async (string label) =>
            {
                calls.Next();
                await Task.Yield();
                return TimeZoneInfo.ConvertTimeFromUtc(instant, zone).Hour;
            });
            return await hour("noon");
        }

        Assert.Equal(12, await LocalHour("UTC"));
        Assert.Equal(7, await LocalHour("America/New_York"));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ACapturedEncoding_IsKeyedByItsWebName()
    {
        using var t = new TestRuntime();
        var calls = new Counter();

        async Task<int> Length(Encoding encoding)
        {
            var count = Function(async (string text) =>
            {
                calls.Next();
                await Task.Yield();
                return encoding.GetByteCount(text);
            });
            return await count("héllo");
        }

        Assert.Equal(6, await Length(Encoding.UTF8));
        Assert.Equal(10, await Length(Encoding.Unicode));
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ACapturedValueObjectWithPrivateState_IsRefused_NamingTheVariableAndTheFix()
    {
        using var t = new TestRuntime();
        var money = new Money(5, "EUR");
        var get = Function(async (int n) =>
        {
            await Task.Yield();
            return money.Times(n);
        });

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => get(2));

        Assert.Equal("money", error.ParamName);
        Assert.StartsWith("Captured variable 'money' cannot be part of a cache key: 'money' is of type Strata.Tests.Keys.InfrastructureTests+Money", error.Message, StringComparison.Ordinal);
        Assert.Contains("'_amount'", error.Message, StringComparison.Ordinal);
        Assert.Contains("register it in the DI container", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACapturedServiceThatTheContainerResolves_IsLeftOut()
    {
        using var t = new KeyTestRuntime(s => s.AddScoped<Repository>());
        var calls = new Counter();

        async Task<string> Load(Repository repository, string region)
        {
            var get = Function(async (string id) =>
            {
                calls.Next();
                await Task.Yield();
                return repository.Find(id) + "@" + region;
            });
            return await get("p1");
        }

        Assert.Equal(await Load(new Repository(), "eu"), await Load(new Repository(), "eu"));
        await Load(new Repository(), "us");
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task ACapturedServiceRegisteredBehindAnInterface_IsLeftOut()
    {
        using var t = new KeyTestRuntime(s => s.AddScoped<IRepository, Repository>());
        var calls = new Counter();
        IRepository repository = new Repository();
        var get = Function(async (string id) =>
        {
            calls.Next();
            await Task.Yield();
            return repository.Find(id);
        });

        Assert.Equal("product p1", await get("p1"));
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task ACapturedServiceOutsideDI_IsRefused()
    {
        using var t = new TestRuntime();
        var repository = new Repository();
        var get = Function(async (string id) =>
        {
            await Task.Yield();
            return repository.Find(id);
        });

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => get("p1"));

        Assert.Equal("repository", error.ParamName);
    }

    [Fact]
    public async Task CapturedFrameworkInfrastructure_IsLeftOut_WithoutDI()
    {
        using var t = new TestRuntime();
        var calls = new Counter();
        ILogger logger = NullLogger.Instance;
        IServiceProvider services = new ServiceCollection().BuildServiceProvider();
        TimeProvider clock = t.Time;
        var get = Function(async (string id) =>
        {
            calls.Next();
            await Task.Yield();
            logger.LogInformation("loading {Id}", id);
            return id + (services.GetService(typeof(string)) is null) + clock.GetUtcNow().Year;
        });

        Assert.Equal("p1True2026", await get("p1"));
        Assert.Equal("p1True2026", await get("p1"));
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task ACapturedVariableThatHeldAServiceAndThenPlainData_IsKeyedByTheData()
    {
        // A closure's services are remembered after the first key so that later hits skip the classification (and may be
        // found by their arguments alone); the memory must not survive the variable changing to a value that is keyed.
        var calls = new Counter();
        using var t = new KeyTestRuntime(s => s.AddScoped<Repository>().AddSingleton(calls)); // both captured as services
        object dependency = new Repository();
        var get = Function(async (string id) =>
        {
            calls.Next();
            await Task.Yield();
            return id + ":" + (dependency is string tenant ? tenant : "service");
        });

        Assert.Equal("p1:service", await get("p1"));
        Assert.Equal("p1:service", await get("p1"));
        dependency = "tenant-a";
        Assert.Equal("p1:tenant-a", await get("p1"));
        dependency = "tenant-b";
        Assert.Equal("p1:tenant-b", await get("p1"));
        dependency = new Repository();
        Assert.Equal("p1:service", await get("p1"));
        Assert.Equal(3, calls.Count);
    }

    [Fact]
    public async Task AServiceLeftOutUnderOneRuntime_IsStillRefusedUnderARuntimeWhoseContainerDoesNotResolveIt()
    {
        var repository = new Repository();
        Func<string, Task<string>> Make() => Function(async (string id) =>
        {
            await Task.Yield();
            return repository.Find(id);
        });

        using (new KeyTestRuntime(s => s.AddScoped<Repository>()))
        {
            var get = Make();
            Assert.Equal("product p1", await get("p1"));
            Assert.Equal("product p1", await get("p1"));
        }

        using (new KeyTestRuntime(_ => { }))
        {
            var error = await Assert.ThrowsAsync<CacheKeyException>(() => Make()("p1"));
            Assert.Equal("repository", error.ParamName);
        }
    }

    [Fact]
    public async Task AnArgumentOfAServiceType_IsStillRefused_EvenWhenTheContainerResolvesIt()
    {
        using var t = new KeyTestRuntime(s => s.AddScoped<Repository>());
        var get = Function(async (Repository repository, string id) =>
        {
            await Task.Yield();
            return repository.Find(id);
        });

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => get(new Repository(), "p1"));

        Assert.StartsWith("Argument 'repository' cannot be part of a cache key", error.Message, StringComparison.Ordinal);
    }

    public interface IRepository
    {
        string Find(string id);
    }

    public sealed class Repository : IRepository
    {
        private readonly string _prefix = "product ";

        public string Find(string id) => _prefix + id;
    }

    public sealed class Money(decimal amount, string currency)
    {
        private readonly decimal _amount = amount;
        private readonly string _currency = currency;

        public string Times(int n) => (_amount * n).ToString(CultureInfo.InvariantCulture) + " " + _currency;
    }
}
