using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Strata.Redis.Internal;

namespace Strata.Redis;

/// <summary>
/// Tags: records in Redis (<c>{prefix}{tags}:&lt;tag&gt;</c> = <c>rev|stale|expired</c>), a version bumped by every
/// invalidation, a sorted set of which tag changed at which version, and the records this instance knows, kept current by
/// the messages every invalidation publishes and by a version check once per request.
/// </summary>
public sealed partial class RedisCacheHandler
{
    private const int MaxTrackedChanges = 10_000;

    private readonly TagStates _tags = new();
    private readonly TagKeys _tagKeys;
    private readonly ConcurrentQueue<PendingTagUpdate> _pendingTagUpdates = new();
    private int _pendingTagUpdateCount;
    private long _syncedVersion;
    private string? _epoch;
    private long _lastSyncTimestamp;

    /// <summary>Drops every message (tests use it to stand for messages lost on the way).</summary>
    internal bool IgnoreMessages { get; set; }

    /// <summary>Raised when an invalidation message from any instance (this one included) has been applied here; for measurements.</summary>
    internal event Action<string>? TagMessageApplied;

    /// <inheritdoc />
    public async ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default)
    {
        if (!IsAvailable)
        {
            return;
        }

        var interval = _options.TagRefreshInterval;
        if (interval > TimeSpan.Zero && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSyncTimestamp)) < interval)
        {
            return;
        }

        try
        {
            await SyncTagsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            MarkUnavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var now = Now;
        if (_tags.TryGetExpiration(tags, now, out var expiration))
        {
            return expiration;
        }

        if (await LoadTagsAsync(tags).ConfigureAwait(false) && _tags.TryGetExpiration(tags, now, out expiration))
        {
            return expiration;
        }

        // Unknown while Redis is unreachable: treat the tags as expired now, so nothing made before is served.
        return now;
    }

    /// <inheritdoc />
    public async ValueTask UpdateTagsAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count == 0)
        {
            return;
        }

        var at = Now;
        if (IsAvailable)
        {
            try
            {
                await WriteTagUpdateAsync(tags, durations, at).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsOutage(ex))
            {
                MarkUnavailable(ex);
            }
        }

        // Redis is unreachable: apply here now, write it when Redis returns.
        foreach (var tag in tags)
        {
            _tags.ApplyLocally(tag, durations, at);
        }

        _pendingTagUpdates.Enqueue(new PendingTagUpdate(tags.ToArray(), durations, at));
        if (Interlocked.Increment(ref _pendingTagUpdateCount) > _options.MaxPendingTagUpdates && _pendingTagUpdates.TryDequeue(out var dropped))
        {
            Interlocked.Decrement(ref _pendingTagUpdateCount);
            LogTagUpdateDropped(Name, string.Join(", ", dropped.Tags), _options.MaxPendingTagUpdates);
        }
    }

    /// <summary>Writes an invalidation to Redis (which publishes it) and applies the resulting records here at once.</summary>
    private async Task WriteTagUpdateAsync(IReadOnlyList<string> tags, TagDurations? durations, long at, TimeSpan? timeout = null)
    {
        var keys = new RedisKey[3 + tags.Count];
        keys[0] = _tagKeys.Version;
        keys[1] = _tagKeys.Changes;
        keys[2] = _tagKeys.Trimmed;
        var args = new RedisValue[7 + tags.Count];
        args[0] = at;
        args[1] = Now;
        args[2] = durations is null ? "x" : "r";
        args[3] = durations?.Expire is { } e ? (at + TagRecord.Milliseconds(e)).ToString(CultureInfo.InvariantCulture) : "";
        args[4] = _channel.ToString();
        args[5] = MaxTrackedChanges;
        args[6] = TagTimeToLive();
        for (var i = 0; i < tags.Count; i++)
        {
            keys[3 + i] = _tagKeys.Tag(tags[i]);
            args[7 + i] = tags[i];
        }

        var result = (RedisResult[])(await Timed(Database.ScriptEvaluateAsync(RedisScripts.UpdateTags, keys, args), timeout).ConfigureAwait(false))!;
        var revision = (long)result[0];
        for (var i = 0; i < tags.Count; i++)
        {
            _tags.Merge(tags[i], TagRecord.Parse(((string?)result[1 + i]).AsSpan()));
        }

        AdvanceVersion(revision);
    }

    /// <summary>Reads unknown tags from Redis; <see langword="false"/> when Redis cannot be asked.</summary>
    private async ValueTask<bool> LoadTagsAsync(IReadOnlyList<string> tags)
    {
        if (_tags.Unknown(tags) is not { } unknown)
        {
            return true;
        }

        if (!IsAvailable)
        {
            return false;
        }

        try
        {
            await ReadTagsAsync(unknown).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            MarkUnavailable(ex);
            return false;
        }
    }

    private async Task ReadTagsAsync(IReadOnlyList<string> tags, TimeSpan? timeout = null)
    {
        var keys = new RedisKey[tags.Count];
        for (var i = 0; i < tags.Count; i++)
        {
            keys[i] = _tagKeys.Tag(tags[i]);
        }

        var values = await Timed(Database.StringGetAsync(keys), timeout).ConfigureAwait(false);
        for (var i = 0; i < tags.Count; i++)
        {
            _tags.Merge(tags[i], values[i].IsNull ? TagRecord.None : TagRecord.Parse(((string?)values[i]).AsSpan()));
        }
    }

    /// <summary>
    /// Catches up with tag changes this instance may have missed: asks Redis for the current version and the tags changed
    /// since the one seen last, and reads those again (or forgets every tag when too much changed or Redis lost its data).
    /// </summary>
    private async Task SyncTagsAsync(TimeSpan? timeout = null)
    {
        var since = Volatile.Read(ref _syncedVersion);
        var keys = new RedisKey[] { _tagKeys.Version, _tagKeys.Changes, _tagKeys.Trimmed, _tagKeys.Epoch };
        var args = new RedisValue[] { since, Guid.NewGuid().ToString("N") };
        var result = (RedisResult[])(await Timed(Database.ScriptEvaluateAsync(RedisScripts.SyncTags, keys, args), timeout).ConfigureAwait(false))!;
        Volatile.Write(ref _lastSyncTimestamp, Stopwatch.GetTimestamp());
        var epoch = (string)result[0]!;
        var version = (long)result[1];
        if (_epoch is not null && epoch != _epoch)
        {
            // Redis lost its data (a restart without persistence): nothing known here about tags or entries can be trusted.
            Forget(localTier: true);
        }
        else if (result.Length > 2 && (string?)result[2] == "full")
        {
            Forget(localTier: version < since);
        }
        else if (result.Length > 3)
        {
            var changed = new string[result.Length - 3];
            for (var i = 0; i < changed.Length; i++)
            {
                changed[i] = (string)result[3 + i]!;
            }

            await ReadTagsAsync(changed, timeout).ConfigureAwait(false);
        }

        _epoch = epoch;
        Interlocked.Exchange(ref _syncedVersion, version);
    }

    /// <summary>Forgets what this instance knows about tags (and, if asked, the entries of the local tier).</summary>
    private void Forget(bool localTier)
    {
        _tags.Clear();
        if (localTier)
        {
            _local?.Clear();
        }
    }

    /// <summary>Writes the invalidations made while Redis was unreachable, in order, with the times they were made.</summary>
    private async Task ReplayTagUpdatesAsync(TimeSpan timeout)
    {
        while (_pendingTagUpdates.TryPeek(out var update))
        {
            await WriteTagUpdateAsync(update.Tags, update.Durations, update.At, timeout).ConfigureAwait(false);
            if (_pendingTagUpdates.TryDequeue(out _))
            {
                Interlocked.Decrement(ref _pendingTagUpdateCount);
            }
        }
    }

    private void AdvanceVersion(long revision)
    {
        var seen = Volatile.Read(ref _syncedVersion);
        if (revision == seen + 1)
        {
            Interlocked.CompareExchange(ref _syncedVersion, revision, seen);
        }
    }

    /// <summary>An invalidation message: <c>t|rev|stale|expired|tag</c>; or a fill that landed (<c>k|key</c>) or was abandoned (<c>a|key</c>).</summary>
    private void OnMessage(ChannelMessage message)
    {
        var text = (string?)message.Message;
        if (IgnoreMessages || text is null || text.Length < 2 || text[1] != '|')
        {
            return;
        }

        switch (text[0])
        {
            case 't':
                var body = text.AsSpan(2);
                var end = NthIndexOf(body, '|', 4); // revision|stale|expired|expiresAt|tag
                if (end < 0)
                {
                    return;
                }

                var record = TagRecord.Parse(body[..end]);
                var tag = body[(end + 1)..].ToString();
                _tags.Merge(tag, record);
                AdvanceVersion(record.Revision);
                TagMessageApplied?.Invoke(tag);
                break;
            case 'k':
            case 'a':
                if (text.Length == 34 && UInt128.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash))
                {
                    WakeWaiters(new CacheKey(hash));
                }

                break;
        }
    }

    private static int NthIndexOf(ReadOnlySpan<char> text, char c, int n)
    {
        var index = -1;
        for (var i = 0; i < n; i++)
        {
            var next = text[(index + 1)..].IndexOf(c);
            if (next < 0)
            {
                return -1;
            }

            index += next + 1;
        }

        return index;
    }

    private string TagTimeToLive()
    {
        var cap = (long)_options.MaxTimeToLive.TotalMilliseconds;
        return (cap > 0 ? cap + _failSafeWindowMs : 0).ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "The \"{Handler}\" Redis cache handler holds more than {Max} tag invalidations made while Redis is unreachable; the oldest one ([{Tags}]) is dropped and will not reach other instances. Raise MaxPendingTagUpdates if outages with this many invalidations are expected.")]
    private partial void LogTagUpdateDropped(string handler, string tags, int max);

    private sealed record PendingTagUpdate(string[] Tags, TagDurations? Durations, long At);

    /// <summary>The Redis keys of tag state; all share the <c>{tags}</c> hash slot so that scripts may touch them together.</summary>
    private sealed class TagKeys(string prefix)
    {
        private readonly string _tagPrefix = prefix + "{tags}:t:";

        public RedisKey Version { get; } = prefix + "{tags}:version";

        public RedisKey Changes { get; } = prefix + "{tags}:changes";

        public RedisKey Trimmed { get; } = prefix + "{tags}:trimmed";

        public RedisKey Epoch { get; } = prefix + "{tags}:epoch";

        public RedisKey Tag(string tag) => _tagPrefix + tag;
    }
}
