namespace Strata.Redis.Internal;

/// <summary>
/// The Lua scripts of the Redis handler. Each runs atomically on the server in one round trip; StackExchange.Redis sends
/// them by SHA once loaded. Every key a script touches is passed in KEYS and shares one hash slot (entry keys by
/// <c>{key}</c>, tag keys by <c>{tags}</c>), so they also work on Redis Cluster.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Invalidates tags with <see cref="TagState.Apply"/>'s rule (the same rule, in Lua), bumps the tag version, records which
    /// tags changed at which version (trimmed to the newest ARGV[6]), and publishes each new record.
    /// KEYS: version, changes, trimmed, tag keys...; ARGV: at, now, mode (x = expire, r = revalidate), the profile's expiry in
    /// Unix ms ('' = none), channel, max changes, tag TTL ms ('0' = none), tag names... Returns {version, record...}.
    /// </summary>
    public const string UpdateTags = """
        local function num(s) if s == nil or s == '' then return nil end return tonumber(s) end
        local function later(a, b) if a == nil or a < b then return b end return a end
        local function text(v) if v == nil then return '' end return string.format('%.0f', v) end
        local rev = redis.call('INCR', KEYS[1])
        local at = tonumber(ARGV[1])
        local now = tonumber(ARGV[2])
        local out = {rev}
        for i = 4, #KEYS do
          local current = redis.call('GET', KEYS[i])
          local stale, expired, expiresAt = nil, nil, nil
          if current then
            local parts = {}
            for part in string.gmatch(current .. '|', '([^|]*)|') do parts[#parts + 1] = part end
            stale, expired, expiresAt = num(parts[2]), num(parts[3]), num(parts[4])
          end
          if expiresAt ~= nil and expiresAt <= now then
            expired = later(expired, expiresAt)
            expiresAt = nil
          end
          if ARGV[3] == 'x' then
            expired = later(expired, at)
          else
            stale = later(stale, at)
            local scheduled = num(ARGV[4])
            if scheduled ~= nil then
              if scheduled <= now then
                expired = later(expired, scheduled)
                expiresAt = nil
              else
                expiresAt = scheduled
              end
            end
          end
          local record = rev .. '|' .. text(stale) .. '|' .. text(expired) .. '|' .. text(expiresAt)
          if ARGV[7] == '0' then
            redis.call('SET', KEYS[i], record)
          else
            redis.call('SET', KEYS[i], record, 'PX', ARGV[7])
          end
          local tag = ARGV[i + 4]
          redis.call('ZADD', KEYS[2], rev, tag)
          redis.call('PUBLISH', ARGV[5], 't|' .. record .. '|' .. tag)
          out[#out + 1] = record
        end
        local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
        if excess > 0 then
          local dropped = redis.call('ZRANGE', KEYS[2], 0, excess - 1, 'WITHSCORES')
          redis.call('SET', KEYS[3], dropped[#dropped])
          redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
        end
        return out
        """;

    /// <summary>
    /// What changed since the version an instance last saw. KEYS: version, changes, trimmed, epoch; ARGV: since, a new
    /// epoch (used when none is set: Redis was empty). Returns {epoch, version}, or {epoch, version, 'full'} when the
    /// instance must forget every tag it knows, or {epoch, version, 'tags', tag...} with the tags that changed.
    /// </summary>
    public const string SyncTags = """
        local epoch = redis.call('GET', KEYS[4])
        if not epoch then
          redis.call('SET', KEYS[4], ARGV[2])
          epoch = ARGV[2]
        end
        local version = tonumber(redis.call('GET', KEYS[1]) or '0')
        local since = tonumber(ARGV[1])
        if version == since then return {epoch, version} end
        if version < since or version - since > 1000 then return {epoch, version, 'full'} end
        local trimmed = tonumber(redis.call('GET', KEYS[3]) or '0')
        if trimmed > since then return {epoch, version, 'full'} end
        local changed = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')
        local out = {epoch, version, 'tags'}
        for i = 1, #changed do out[#out + 1] = changed[i] end
        return out
        """;

    /// <summary>
    /// Stores an entry (unless ARGV[2] is '-1') and, if this instance holds the key's lease, ends it and tells waiting
    /// instances. KEYS: entry, lease; ARGV: value, TTL ms ('0' = none, '-1' = do not store), owner, channel, message.
    /// </summary>
    public const string StoreAndRelease = """
        if ARGV[2] == '0' then
          redis.call('SET', KEYS[1], ARGV[1])
        elseif ARGV[2] ~= '-1' then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        end
        if redis.call('GET', KEYS[2]) == ARGV[3] then
          redis.call('DEL', KEYS[2])
          redis.call('PUBLISH', ARGV[4], ARGV[5])
          return 1
        end
        return 0
        """;
}
