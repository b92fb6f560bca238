using System.Collections.Immutable;
using Strata;
using static Strata.Cache;

namespace StrataApp.Services;

public sealed record DayForecast(DateOnly Date, int TemperatureC, string Summary);

public sealed record CityForecast(string City, ImmutableArray<DayForecast> Days, string ComputedAt);

/// <summary>
/// A service with a cached method (immutable results are shared by every hit, without copying): AddStrata() registers its generated cached subclass in its place. "remote" is shared
/// by every instance when Redis is configured (see Program.cs), in memory otherwise.
/// </summary>
public class Forecasts
{
    private static readonly string[] Summaries = ["Freezing", "Chilly", "Mild", "Warm", "Hot"];

    [UseCache("remote")]
    public virtual async Task<CityForecast> For(string city)
    {
        CacheLife("minutes");       // a built-in profile; add your own under Strata:CacheLife in appsettings.json
        CacheTag("forecast");
        await Task.Delay(100);      // stands for a slow upstream call
        var start = DateOnly.FromDateTime(DateTime.UtcNow);
        var days = Enumerable.Range(1, 5)
            .Select(i => new DayForecast(start.AddDays(i), Random.Shared.Next(-5, 35), Summaries[Random.Shared.Next(Summaries.Length)]))
            .ToImmutableArray();
        return new CityForecast(city, days, DateTimeOffset.UtcNow.ToString("O"));
    }
}
