using StackExchange.Redis;

namespace Strata.Redis.Internal;

/// <summary>Checks handler options at start-up, with messages that name the setting and the fix.</summary>
internal static class RedisOptionsValidation
{
    public static void Validate(RedisCacheHandlerOptions options, string? kind)
    {
        var section = kind is null ? RedisDefaults.ConfigurationSection : $"{RedisDefaults.ConfigurationSection} (kind \"{kind}\")";
        if (string.IsNullOrWhiteSpace(options.Configuration) && options.ConfigurationOptions is null && options.ConnectionMultiplexerFactory is null)
        {
            var registration = kind is null ? "new RedisCacheHandlerOptions { Configuration = \"localhost:6379\" }" : $"AddRedisCacheHandler(\"{kind}\", o => o.Configuration = \"localhost:6379\")";
            throw new ArgumentException(
                $"{section}: Configuration is not set, so the Redis cache handler does not know where Redis is. Set \"Strata:Redis:Configuration\" " +
                $"to a StackExchange.Redis connection string (e.g. \"localhost:6379\") in appsettings.json, or in code with {registration}; " +
                "or do not register the Redis handler, and the kind stays in memory.",
                nameof(options));
        }

        if (options.ConfigurationOptions is null && options.ConnectionMultiplexerFactory is null)
        {
            try
            {
                ConfigurationOptions.Parse(options.Configuration!);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                throw new ArgumentException(
                    $"{section}: Configuration \"{options.Configuration}\" is not a valid StackExchange.Redis connection string ({ex.Message}). Use \"host:port\", optionally followed by comma-separated options such as \"password=…,ssl=true\".",
                    nameof(options),
                    ex);
            }
        }

        if (options.KeyPrefix is null)
        {
            throw new ArgumentException($"{section}: KeyPrefix is null. Leave it unset for the default \"{RedisDefaults.KeyPrefix}\", or give a prefix such as \"myapp:\".", nameof(options));
        }

        OptionRules.Positive(options.OperationTimeout, nameof(options.OperationTimeout), section, $"{RedisDefaults.OperationTimeoutMilliseconds} ms");
        OptionRules.Positive(options.ConnectTimeout, nameof(options.ConnectTimeout), section, $"{RedisDefaults.ConnectTimeoutSeconds} s");
        OptionRules.Positive(options.LeaseDuration, nameof(options.LeaseDuration), section, $"{RedisDefaults.LeaseDurationSeconds} s");
        OptionRules.NotNegative(options.LeaseWaitTimeout, nameof(options.LeaseWaitTimeout), section, $"{RedisDefaults.LeaseWaitTimeoutSeconds} s");
        OptionRules.NotNegative(options.TagRefreshInterval, nameof(options.TagRefreshInterval), section, "0 (every request)");
        OptionRules.NotNegative(options.MaxTimeToLive, nameof(options.MaxTimeToLive), section, $"{RedisDefaults.MaxTimeToLiveDays} days");
        OptionRules.NotNegative(options.LatencyBudget, nameof(options.LatencyBudget), section, $"{RedisDefaults.LatencyBudgetMilliseconds} ms");
        OptionRules.NotNegative(options.MaxStalenessDuringOutage, nameof(options.MaxStalenessDuringOutage), section, $"{RedisDefaults.MaxStalenessDuringOutageSeconds} s");
        if (!Enum.IsDefined(options.TagUpdatesDuringOutage))
        {
            throw new ArgumentException($"{section}: TagUpdatesDuringOutage is {options.TagUpdatesDuringOutage}; use Queue (the default) or Fail.", nameof(options));
        }
        if (options.LocalCacheSize < 0)
        {
            throw new ArgumentException($"{section}: LocalCacheSize is {options.LocalCacheSize}; it is a size in bytes: 0 (no local tier) or more, e.g. 16777216 for 16 MiB (the default).", nameof(options));
        }

        if (options.MaxPendingTagUpdates < 0)
        {
            throw new ArgumentException($"{section}: MaxPendingTagUpdates is {options.MaxPendingTagUpdates}; it must be 0 or more (default {RedisDefaults.MaxPendingTagUpdates}).", nameof(options));
        }
    }
}
