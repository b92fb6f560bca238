using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Strata;

/// <summary>
/// One background refresh per key per cluster: when a handler implements <see cref="ICacheRefreshCoordinator"/>, a stale
/// entry is refreshed only where the handler allows it; elsewhere the stale value is served and nothing runs.
/// </summary>
public sealed partial class CacheRuntime
{
    /// <summary>Keys whose refresh permission is being asked for, so that concurrent stale reads ask once.</summary>
    private readonly ConcurrentDictionary<CacheKey, byte> _refreshRequests = new();

    private void RefreshWhenAllowed<TBody, TResult>(
        ICacheRefreshCoordinator coordinator, CacheFunction function, ICacheHandler handler, CacheKey key, TBody body, int seen)
        where TBody : struct, ICacheBody<TResult>
    {
        if (_inflight.ContainsKey(key) || !_refreshRequests.TryAdd(key, 0))
        {
            return; // already being refreshed (or made) here, or permission is being asked for
        }

        Task task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(async () =>
            {
                try
                {
                    if (await MayRefreshAsync(coordinator, function, key).ConfigureAwait(false) &&
                        !StartRefresh<TBody, TResult>(function, handler, key, body, seen))
                    {
                        // A run of the key started here while permission was asked: the refresh is not needed. Tell the
                        // handler that nothing comes of the permission it gave (the Redis handler releases its refresh
                        // lease, which would otherwise hold off every refresh of the key, here and on other instances,
                        // until it lapses).
                        TrackWrite(handler.SetAsync(key, Task.FromCanceled<CacheEntry>(new CancellationToken(canceled: true))), function, key);
                    }
                }
                finally
                {
                    _refreshRequests.TryRemove(key, out _);
                }
            });
        }

        Track(task);
    }

    private async Task<bool> MayRefreshAsync(ICacheRefreshCoordinator coordinator, CacheFunction function, CacheKey key)
    {
        try
        {
            var allowed = await coordinator.TryBeginRefreshAsync(key).ConfigureAwait(false);
            if (!allowed && DebugCache)
            {
                Debug("REVALIDATE SKIPPED", function, key, "(another instance is refreshing it)");
            }

            return allowed;
        }
        catch (Exception ex)
        {
            LogRefreshCoordinationFailed(function.Kind, function.DisplayName, ex);
            return true;
        }
    }

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "The \"{Kind}\" cache handler could not say whether another instance refreshes {Function}; refreshing it here.")]
    private partial void LogRefreshCoordinationFailed(string kind, string function, Exception exception);
}
