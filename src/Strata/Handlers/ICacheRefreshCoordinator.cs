namespace Strata;

/// <summary>
/// Optional for a cache handler shared by several instances (a remote handler): lets it decide which instance refreshes a
/// stale entry in the background, so that an entry is refreshed once per cluster rather than once per instance.
/// </summary>
/// <remarks>
/// Before a background refresh the engine asks <see cref="TryBeginRefreshAsync"/>; when it returns <see langword="false"/>
/// the stale value is served and nothing runs (another instance is refreshing it). When it returns <see langword="true"/>
/// the engine runs the function and calls <see cref="ICacheHandler.SetAsync"/> with the outcome, which is where the handler
/// ends the refresh (for example by releasing a lease): the entry, a faulted task when the function failed, or a canceled
/// task when nothing is stored (the value could not be copied, or a run of the key started on this instance while the
/// handler was asked, which makes the refresh unnecessary). A handler should still let a permission lapse after a while,
/// in case the process stops before it is ended. If asking fails (the store is unreachable), the engine refreshes locally.
/// </remarks>
public interface ICacheRefreshCoordinator
{
    /// <summary>Whether this instance may refresh the entry of <paramref name="key"/> now.</summary>
    /// <param name="key">The key of the stale entry.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> to refresh here; <see langword="false"/> when another instance does.</returns>
    ValueTask<bool> TryBeginRefreshAsync(CacheKey key, CancellationToken cancellationToken = default);
}
