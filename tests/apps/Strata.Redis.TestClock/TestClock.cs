using System.Globalization;
using System.Runtime.Loader;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata;

[assembly: HostingStartup(typeof(Strata.Redis.TestClock.TestClockStartup))]

/// <summary>
/// A .NET startup hook (DOTNET_STARTUP_HOOKS): runs before the application's Main and lets ASP.NET Core find this
/// assembly by name when ASPNETCORE_HOSTINGSTARTUPASSEMBLIES names it.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var self = typeof(StartupHook).Assembly;
        AssemblyLoadContext.Default.Resolving += (_, name) => name.Name == self.GetName().Name ? self : null;
    }
}

namespace Strata.Redis.TestClock
{
    /// <summary>Registers the movable clock before the application's own services, and the two test endpoints.</summary>
    internal sealed class TestClockStartup : IHostingStartup
    {
        public void Configure(IWebHostBuilder builder)
        {
            var clock = new MovableClock();
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(clock); // before AddStrata(), which only adds the system clock if none is there
                services.AddSingleton<IStartupFilter>(new TestEndpoints(clock));
            });
        }
    }

    /// <summary>The system clock plus an offset that <c>POST /_test/advance?seconds=N</c> moves forward.</summary>
    internal sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    internal sealed class TestEndpoints(MovableClock clock) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                switch (context.Request.Path.Value)
                {
                    case "/_test/advance" when HttpMethods.IsPost(context.Request.Method):
                        clock.Advance(TimeSpan.FromSeconds(double.Parse(context.Request.Query["seconds"]!, CultureInfo.InvariantCulture)));
                        return;
                    case "/_test/flush" when HttpMethods.IsPost(context.Request.Method):
                        await context.RequestServices.GetRequiredService<CacheRuntime>().FlushAsync(context.RequestAborted);
                        return;
                    default:
                        await nextMiddleware(context);
                        return;
                }
            });
            next(app);
        };
    }
}
