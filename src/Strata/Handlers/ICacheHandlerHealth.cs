namespace Strata;

/// <summary>
/// A cache handler that can be unavailable (a remote store) says so, for dashboards: whether it is available now and its
/// recent outages.
/// </summary>
public interface ICacheHandlerHealth
{
    /// <summary>The handler's name (e.g. the connection it uses).</summary>
    string Name { get; }

    /// <summary>Whether the handler is available now.</summary>
    bool IsAvailable { get; }

    /// <summary>The recent outages, the latest first (the handler decides how many it keeps).</summary>
    IReadOnlyList<CacheHandlerOutage> RecentOutages { get; }
}

/// <summary>An outage of a cache handler: when it began, when it ended (<see langword="null"/> while it lasts), and why.</summary>
/// <param name="Start">When the handler found it unavailable.</param>
/// <param name="End">When it recovered, or <see langword="null"/>.</param>
/// <param name="Reason">What made it unavailable.</param>
public sealed record CacheHandlerOutage(DateTimeOffset Start, DateTimeOffset? End, string Reason);
