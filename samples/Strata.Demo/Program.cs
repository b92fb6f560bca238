// The Strata tour: 'use cache' semantics in a console app, with a clock we can fast-forward.
// Run it with:  dotnet run --project samples/Strata.Demo
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Strata;
using Strata.Demo;
using static Strata.Cache;

var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<TimeProvider>(clock);
builder.Services.AddSingleton<Upstream>();
builder.Services.AddSingleton<Catalog>();
builder.Services.AddStrata();
using var host = builder.Build();
await host.StartAsync();

var catalog = host.Services.GetRequiredService<Catalog>();
var upstream = host.Services.GetRequiredService<Upstream>();
var runtime = host.Services.GetRequiredService<CacheRuntime>();

void Show(string what, object? value) => Console.WriteLine($"  {what,-52} -> {value}   (upstream calls: {upstream.Calls})");

Console.WriteLine("1. A [UseCache] method: the first call runs it, the next ones are hits");
Show("catalog.GetProduct(\"p1\")", await catalog.GetProduct("p1"));
Show("catalog.GetProduct(\"p1\") again", await catalog.GetProduct("p1"));
Show("catalog.GetProduct(\"p2\")  (other arguments: a miss)", await catalog.GetProduct("p2"));

Console.WriteLine();
Console.WriteLine("2. Cache.Function around a lambda: captured values are part of the key (a captured service is not)");
foreach (var currency in new[] { "EUR", "EUR", "USD" })
{
    var price = Function(async (string id) => await upstream.PriceAsync(id, currency));
    Show($"price of p1 in {currency}", await price("p1"));
}

Console.WriteLine();
Console.WriteLine("3. Lifetimes: GetProduct uses CacheLife(\"minutes\"): revalidate 60 s, expire 3600 s");
clock.Advance(TimeSpan.FromSeconds(61));
Show("61 s later: stale, served at once, refreshed behind", await catalog.GetProduct("p1"));
await runtime.FlushAsync();
Show("after the background refresh", await catalog.GetProduct("p1"));
clock.Advance(TimeSpan.FromSeconds(3601));
Show("an hour later: expired, the read waits for a new value", await catalog.GetProduct("p1"));

Console.WriteLine();
Console.WriteLine("4. Tags: GetProduct tags its entry \"product-<id>\" and \"products\"");
Show("catalog.GetProduct(\"p2\") (expired too: a new value)", await catalog.GetProduct("p2"));
clock.Advance(TimeSpan.FromSeconds(1));
await RevalidateTag("products", "max");
clock.Advance(TimeSpan.FromSeconds(1));
Show("after RevalidateTag(\"products\", \"max\"): stale once", await catalog.GetProduct("p1"));
await runtime.FlushAsync();
Show("then the refreshed value", await catalog.GetProduct("p1"));
await catalog.GetProduct("p2");
await runtime.FlushAsync();
using (runtime.BeginRequest(phase: CacheRequestPhase.Action))
{
    await UpdateTag("product-p1");   // only allowed in server actions: read-your-own-writes
}

clock.Advance(TimeSpan.FromSeconds(1));
Show("after UpdateTag(\"product-p1\"): the read waits", await catalog.GetProduct("p1"));
Show("p2 is untouched by that tag: a hit", await catalog.GetProduct("p2"));

Console.WriteLine();
Console.WriteLine("5. Stampede protection: 1,000 concurrent calls for a cold key");
var before = upstream.Calls;
await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => catalog.GetProduct("p3")));
Show("GetProduct(\"p3\") x 1000", $"{upstream.Calls - before} upstream call");

Console.WriteLine();
Console.WriteLine("6. Nesting: a page built from cached parts keeps the shortest lifetime and every tag");
using (var request = runtime.BeginRequest(phase: CacheRequestPhase.Render))
{
    var page = await catalog.ProductPage("p1");
    Console.WriteLine($"  {page}");
    Console.WriteLine($"  the request saw: stale={request.Stale} s, revalidate={request.Revalidate} s, expire={request.Expire} s, tags=[{string.Join(", ", request.Tags)}]");
}

Console.WriteLine();
Console.WriteLine("7. Bad input gets an error that names the problem and the fix");
try
{
    var upload = Function(async (Stream body) => { await Task.Yield(); return body.Length; });
    await upload(new MemoryStream());
}
catch (CacheKeyException ex)
{
    Console.WriteLine("  " + ex.Message);
}

await host.StopAsync();
