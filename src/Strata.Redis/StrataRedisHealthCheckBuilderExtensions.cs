using Microsoft.Extensions.Diagnostics.HealthChecks;
using Strata;
using Strata.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of Strata's Redis cache handlers.</summary>
public static class StrataRedisHealthCheckBuilderExtensions
{
    /// <summary>
    /// Reports the Redis cache handlers of the application: healthy when every one reaches Redis with no invalidation
    /// waiting; degraded during an outage (served from the local tier or by running the functions, invalidations queued)
    /// or while queued invalidations are written; unhealthy (<paramref name="failureStatus"/>) when invalidations fail
    /// (<c>TagUpdatesDuringOutage = Fail</c> in an outage) or are dropped (the queue is full).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddHealthChecks()</c>.</param>
    /// <param name="name">The name of the check; <c>strata-redis</c> by default.</param>
    /// <param name="failureStatus">The status reported when invalidations fail or are lost; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="tags">Tags of the check (for example <c>ready</c>), to filter health endpoints.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddStrataRedis(this IHealthChecksBuilder builder, string name = "strata-redis", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        return builder.Add(new HealthCheckRegistration(name, sp => new RedisHealthCheck(sp.GetRequiredService<CacheRuntime>()), failureStatus, tags));
    }
}
