using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Strata.Redis;

/// <summary>
/// The health of every Redis cache handler of the application's runtime (<c>AddHealthChecks().AddStrataRedis()</c>):
/// <list type="bullet">
/// <item><description><b>Healthy</b>: every handler reaches Redis and has no invalidation waiting to be written.</description></item>
/// <item><description><b>Degraded</b>: a handler is in an outage (it serves its local tier or runs the functions, and queues
/// invalidations), or invalidations made here still wait to be written to Redis: other instances do not see them yet.</description></item>
/// <item><description><b>Unhealthy</b>: invalidations fail or are lost: a handler in an outage with
/// <see cref="TagUpdatesDuringOutage.Fail"/>, or whose queue of invalidations is full (<see cref="RedisCacheHandlerOptions.MaxPendingTagUpdates"/>).</description></item>
/// </list>
/// </summary>
internal sealed class RedisHealthCheck(CacheRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var handlers = runtime.Kinds.Select(runtime.GetHandler).OfType<RedisCacheHandler>().Distinct().ToArray();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        foreach (var handler in handlers)
        {
            var pending = handler.PendingTagUpdates;
            data[handler.Name] = new { available = handler.IsAvailable, pendingTagUpdates = pending };
            if (!handler.IsAvailable && handler.Options.TagUpdatesDuringOutage == TagUpdatesDuringOutage.Fail)
            {
                unhealthy.Add($"\"{handler.Name}\": Redis is unavailable and invalidations fail (TagUpdatesDuringOutage is Fail)");
            }
            else if (pending >= handler.Options.MaxPendingTagUpdates && pending > 0)
            {
                unhealthy.Add($"\"{handler.Name}\": {pending} invalidations wait for Redis and the queue is full (MaxPendingTagUpdates), so older ones are being dropped");
            }
            else if (!handler.IsAvailable)
            {
                degraded.Add($"\"{handler.Name}\": Redis is unavailable; serving the local tier or running the functions" + (pending > 0 ? $", {pending} invalidations queued" : ""));
            }
            else if (pending > 0)
            {
                degraded.Add($"\"{handler.Name}\": {pending} invalidations wait to be written to Redis");
            }
        }

        var result = unhealthy.Count > 0 ? new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", unhealthy.Concat(degraded)), data: data)
            : degraded.Count > 0 ? HealthCheckResult.Degraded(string.Join("; ", degraded), data: data)
            : HealthCheckResult.Healthy(handlers.Length == 0 ? "No Redis cache handler is registered." : "Every Redis cache handler reaches Redis.", data);
        return Task.FromResult(result);
    }
}
