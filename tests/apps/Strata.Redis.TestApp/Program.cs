using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Strata;
using static Strata.Cache;

// A dashboard cached in the "remote" kind, as the Storefront's is: Strata:Redis:Configuration switches it to Redis.
// Test-only endpoints move this process's clock (every copy starts at TestApp:StartTime) and report its upstream calls.
var builder = WebApplication.CreateBuilder(args);
var start = DateTimeOffset.Parse(builder.Configuration["TestApp:StartTime"] ?? "2026-11-25T12:00:00Z", CultureInfo.InvariantCulture);
var time = new FakeTimeProvider(start);
builder.Services.AddSingleton<TimeProvider>(time);
var strata = builder.Services.AddStrata();
if (!string.IsNullOrEmpty(builder.Configuration["Strata:Redis:Configuration"]))
{
    strata.AddRedisCacheHandler("remote");
}

var app = builder.Build();
var runtime = app.Services.GetRequiredService<CacheRuntime>();
app.Use(async (context, next) =>
{
    using var request = runtime.BeginRequest(phase: HttpMethods.IsPost(context.Request.Method) ? CacheRequestPhase.Action : CacheRequestPhase.Handler, route: context.Request.Path);
    await next(context);
    await request.CompleteAsync();
});

Func<Task<Dashboard>> dashboard;
using (runtime.Use())
{
    dashboard = Function(async () =>
    {
        CacheLife("minutes");
        CacheTag("dashboard");
        var call = Upstream.Call();
        await Task.Delay(20); // the database query
        return new Dashboard(call, Environment.ProcessId);
    }, "remote");
}

app.MapGet("/dashboard", async () => await dashboard());
app.MapPost("/revalidate", async () =>
{
    await RevalidateTag("dashboard", "max");
    return Results.Ok();
});
app.MapPost("/_test/advance", (double seconds) =>
{
    time.Advance(TimeSpan.FromSeconds(seconds));
    return Results.Ok();
});
app.MapPost("/_test/flush", async () =>
{
    await runtime.FlushAsync();
    return Results.Ok();
});
app.MapGet("/_test/upstream-calls", () => Upstream.Calls);
app.MapGet("/_test/handler", () => runtime.GetHandler("remote").GetType().Name);
app.Run();

internal sealed record Dashboard(int UpstreamCall, int ProcessId);

/// <summary>The dashboard's data source: counts the queries this process made.</summary>
internal static class Upstream
{
    private static int s_calls;

    public static int Calls => Volatile.Read(ref s_calls);

    public static int Call() => Interlocked.Increment(ref s_calls);
}
