using StackExchange.Redis;

namespace Strata.Redis;

/// <summary>
/// Options of a <see cref="RedisCacheHandler"/>. With <c>AddRedisCacheHandler(kind)</c> they are bound from the
/// <c>Strata:Redis</c> configuration section, then from <c>Strata:Redis:Kinds:&lt;kind&gt;</c> (per-kind overrides), then
/// changed by the delegate given in code.
/// </summary>
/// <example>
/// <code>
/// "Strata": {
///   "Redis": {
///     "Configuration": "localhost:6379",
///     "KeyPrefix": "shop:",
///     "LocalCacheSize": 16777216,
///     "Kinds": { "catalog": { "LocalCacheSize": 0 } }
///   }
/// }
/// </code>
/// </example>
public sealed class RedisCacheHandlerOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string, e.g. <c>localhost:6379</c> or
    /// <c>redis1:6379,redis2:6379,password=…,ssl=true</c>. Required unless <see cref="ConfigurationOptions"/> or
    /// <see cref="ConnectionMultiplexerFactory"/> is set. No default.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// StackExchange.Redis options, for what a configuration string cannot say (certificates, a custom socket manager).
    /// Used instead of <see cref="Configuration"/> when set. Code only. Default <see langword="null"/>.
    /// </summary>
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>
    /// Supplies an existing connection (for example one the application already uses), instead of the handler connecting
    /// itself. The handler does not dispose a connection it did not make. Code only. Default <see langword="null"/>.
    /// </summary>
    public Func<Task<IConnectionMultiplexer>>? ConnectionMultiplexerFactory { get; set; }

    /// <summary>
    /// What every Redis key and the pub/sub channel of this handler start with, so that several applications (or
    /// environments) can share one Redis. Instances that must share entries and tags use the same prefix. Default
    /// <c>strata:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = RedisDefaults.KeyPrefix;

    /// <summary>
    /// The budget in bytes of the in-memory tier in front of Redis: fresh entries this instance has read or written are
    /// served from process memory once the request's tag check confirms their tags (no entry round trip), and during an
    /// outage within <see cref="MaxStalenessDuringOutage"/>, instead of every read running the function. Tag invalidations
    /// from any instance reach it through pub/sub. 0 turns it off (every read goes to Redis). Default 16 MiB.
    /// </summary>
    public long LocalCacheSize { get; set; } = RedisDefaults.LocalCacheSizeBytes;

    /// <summary>
    /// How long one Redis operation may take before the request falls back (to the local tier, or to running the
    /// function). One slow answer is not an outage: Redis is marked unavailable when its operations keep failing for a
    /// second with no success between them, or its connection breaks; it is used again once it answers within this
    /// timeout three probes in a row. Default 250 milliseconds.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(RedisDefaults.OperationTimeoutMilliseconds);

    /// <summary>How long connecting may take at start-up before the application starts without Redis (and keeps trying). Default 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(RedisDefaults.ConnectTimeoutSeconds);

    /// <summary>
    /// Distributed stampede protection: how long the lease an instance takes to fill (or refresh) a key lasts at most.
    /// Normally it ends as soon as the value is stored; it only runs out when an instance dies while filling. Default 30 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(RedisDefaults.LeaseDurationSeconds);

    /// <summary>
    /// How long an instance that missed a key waits for another instance, which holds the lease, to store the value;
    /// after that it runs the function itself. Default 10 seconds.
    /// </summary>
    public TimeSpan LeaseWaitTimeout { get; set; } = TimeSpan.FromSeconds(RedisDefaults.LeaseWaitTimeoutSeconds);

    /// <summary>
    /// How often a request checks Redis for tag changes this instance may have missed (a lost pub/sub message). The check
    /// is one small round trip per request and kind. Zero checks on every request, so a request that starts after an
    /// <c>UpdateTag</c> anywhere in the cluster always sees it. Default zero.
    /// </summary>
    public TimeSpan TagRefreshInterval { get; set; }

    /// <summary>
    /// The longest time an entry (or a tag timestamp) is kept in Redis, whatever its <c>expire</c>; entries that never
    /// expire are dropped after this, and refilled when next read. Keeps keys of old builds from accumulating. Default
    /// 30 days; <see cref="TimeSpan.Zero"/> keeps them until Redis evicts them.
    /// </summary>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(RedisDefaults.MaxTimeToLiveDays);

    /// <summary>
    /// The most tag invalidations kept in memory while Redis is unavailable, written to Redis when it returns. Past this,
    /// the oldest are dropped with a warning. Default 10000.
    /// </summary>
    public int MaxPendingTagUpdates { get; set; } = RedisDefaults.MaxPendingTagUpdates;

    /// <summary>
    /// How long a read waits for Redis before the local tier answers, when it holds a usable entry for the key (its tags
    /// known to be valid); the Redis read then completes in the background and refreshes the local tier. Without such an
    /// entry a read waits up to <see cref="OperationTimeout"/>. Default 100 milliseconds.
    /// </summary>
    public TimeSpan LatencyBudget { get; set; } = TimeSpan.FromMilliseconds(RedisDefaults.LatencyBudgetMilliseconds);

    /// <summary>
    /// During an outage an instance cannot learn of invalidations made on other instances: it serves local-tier entries
    /// only until this long after it last confirmed its tag state with Redis, then runs the function instead. This bounds
    /// how long another instance's invalidation may go unseen here. <see cref="TimeSpan.Zero"/> serves nothing from the
    /// local tier during an outage. Default 10 seconds.
    /// </summary>
    public TimeSpan MaxStalenessDuringOutage { get; set; } = TimeSpan.FromSeconds(RedisDefaults.MaxStalenessDuringOutageSeconds);

    /// <summary>
    /// What <c>UpdateTag</c>/<c>RevalidateTag</c> does while Redis is unavailable: <see cref="Redis.TagUpdatesDuringOutage.Queue"/>
    /// applies it on this instance at once and writes it to Redis (with its original time) when Redis returns, retrying with
    /// backoff; <see cref="Redis.TagUpdatesDuringOutage.Fail"/> fails the action with <see cref="RedisUnavailableException"/>,
    /// so that the user learns the change did not reach every instance. Default <see cref="Redis.TagUpdatesDuringOutage.Queue"/>.
    /// </summary>
    public TagUpdatesDuringOutage TagUpdatesDuringOutage { get; set; }

    /// <summary>
    /// Whether tag invalidations made on any instance also reach the in-memory cache kinds (<c>'use cache'</c>, the default
    /// kind) of every instance sharing this Redis and key prefix, through Redis pub/sub: one <c>UpdateTag</c> then means
    /// one truth across the cluster. Default <see langword="true"/>.
    /// </summary>
    public bool TagBackplane { get; set; } = true;
}

/// <summary>What a tag invalidation does while Redis is unavailable (<see cref="RedisCacheHandlerOptions.TagUpdatesDuringOutage"/>).</summary>
public enum TagUpdatesDuringOutage
{
    /// <summary>Apply it on this instance at once, and write it to Redis, with its original time, when Redis returns.</summary>
    Queue,

    /// <summary>Fail the action with <see cref="RedisUnavailableException"/>; nothing is changed.</summary>
    Fail,
}

/// <summary>
/// Thrown by a tag invalidation while Redis is unavailable and <see cref="RedisCacheHandlerOptions.TagUpdatesDuringOutage"/>
/// is <see cref="TagUpdatesDuringOutage.Fail"/>: the invalidation was not made anywhere.
/// </summary>
public sealed class RedisUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed, and the fix.</param>
    public RedisUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    /// <param name="message">What failed, and the fix.</param>
    /// <param name="innerException">The cause.</param>
    public RedisUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The defaults of <see cref="RedisCacheHandlerOptions"/>.</summary>
public static class RedisDefaults
{
    /// <summary>The key prefix: <c>strata:</c>.</summary>
    public const string KeyPrefix = "strata:";

    /// <summary>The budget of the local tier in front of Redis: 16 MiB.</summary>
    public const long LocalCacheSizeBytes = 16 * 1024 * 1024;

    /// <summary>The operation timeout: 250 milliseconds.</summary>
    public const int OperationTimeoutMilliseconds = 250;

    /// <summary>The connect timeout at start-up: 5 seconds.</summary>
    public const int ConnectTimeoutSeconds = 5;

    /// <summary>The longest a fill lease lasts: 30 seconds.</summary>
    public const int LeaseDurationSeconds = 30;

    /// <summary>How long a miss waits for another instance's fill: 10 seconds.</summary>
    public const int LeaseWaitTimeoutSeconds = 10;

    /// <summary>The longest an entry or tag is kept: 30 days.</summary>
    public const int MaxTimeToLiveDays = 30;

    /// <summary>The most tag invalidations queued during an outage: 10000.</summary>
    public const int MaxPendingTagUpdates = 10_000;

    /// <summary>How long a read waits for Redis before a usable local-tier entry answers: 100 milliseconds.</summary>
    public const int LatencyBudgetMilliseconds = 100;

    /// <summary>How long after its last confirmation of tag state an instance serves its local tier during an outage: 10 seconds.</summary>
    public const int MaxStalenessDuringOutageSeconds = 10;

    /// <summary>The configuration section of the Redis handler options: <c>Strata:Redis</c>.</summary>
    public const string ConfigurationSection = "Strata:Redis";
}
