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
    private readonly Lock _tagCheckGate = new();
    private readonly SemaphoreSlim _replaying = new(1, 1);
    private long _syncedVersion;
    private string? _epoch;
    private long _lastSyncTimestamp;
    private long _confirmedAt;
    private long _tagChecksStarted;
    private long _currentTagCheckNumber;
    private Task<bool> _currentTagCheck = Task.FromResult(true);
    private int _flushing;
    private MemoryCacheHandler[] _backplane = [];

    /// <summary>
    /// The newest tag check started by <see cref="RefreshTagsAsync"/>: <see langword="true"/> when it confirmed tag state (or
    /// none was needed), <see langword="false"/> when Redis did not answer it. Reads wait for it.
    /// </summary>
    private Task<bool> CurrentTagCheck
    {
        get
        {
            lock (_tagCheckGate)
            {
                return _currentTagCheck;
            }
        }
    }

    /// <summary>Drops every message (tests use it to stand for messages lost on the way).</summary>
    internal bool IgnoreMessages { get; set; }

    /// <summary>Tag invalidations applied here and waiting to be written to Redis (an outage, or a retry after a failed write).</summary>
    internal int PendingTagUpdates => Volatile.Read(ref _pendingTagUpdateCount);

    /// <summary>Raised when an invalidation message from any instance (this one included) has been applied here; for measurements.</summary>
    internal event Action<string>? TagMessageApplied;

    /// <inheritdoc />
    /// <remarks>
    /// Starts the check and returns: reads of this handler wait for it, so the entry a read asks for travels in the same round
    /// trip as the check. A read that starts after this call waits for this check or a later one.
    /// </remarks>
    public ValueTask RefreshTagsAsync(CancellationToken cancellationToken = default)
    {
        if (!IsAvailable)
        {
            return default;
        }

        var interval = _options.TagRefreshInterval;
        if (interval > TimeSpan.Zero && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSyncTimestamp)) < interval)
        {
            return default;
        }

        var number = Interlocked.Increment(ref _tagChecksStarted);
        var check = CheckTagsAsync();
        lock (_tagCheckGate)
        {
            if (number > _currentTagCheckNumber)
            {
                _currentTagCheckNumber = number;
                _currentTagCheck = check;
            }
        }

        return default;
    }

    private async Task<bool> CheckTagsAsync()
    {
        try
        {
            await SyncTagsAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            OnFailure(ex);
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetExpirationAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        await CurrentTagCheck.ConfigureAwait(false);
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
        if (IsAvailable && _pendingTagUpdates.IsEmpty)
        {
            try
            {
                await WriteTagUpdateAsync(tags, durations, at).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsOutage(ex))
            {
                OnFailure(ex);
                if (_options.TagUpdatesDuringOutage == TagUpdatesDuringOutage.Fail)
                {
                    throw Unwritten(tags, ex);
                }
            }
        }
        else if (_options.TagUpdatesDuringOutage == TagUpdatesDuringOutage.Fail && !IsAvailable)
        {
            throw Unwritten(tags, null);
        }

        // Redis did not answer (or earlier invalidations still wait, and order matters): apply here now, write it later.
        foreach (var tag in tags)
        {
            _tags.ApplyLocally(tag, durations, at);
        }

        _pendingTagUpdates.Enqueue(new PendingTagUpdate(tags.ToArray(), durations, at));
        LogTagUpdateQueued(Name, string.Join(", ", tags));
        if (Interlocked.Increment(ref _pendingTagUpdateCount) > _options.MaxPendingTagUpdates && _pendingTagUpdates.TryDequeue(out var dropped))
        {
            Interlocked.Decrement(ref _pendingTagUpdateCount);
            LogTagUpdateDropped(Name, string.Join(", ", dropped.Tags), _options.MaxPendingTagUpdates);
        }

        if (IsAvailable)
        {
            StartFlush(); // not an outage (yet): retry in the background, with backoff
        }
    }

    private RedisUnavailableException Unwritten(IReadOnlyList<string> tags, Exception? cause)
    {
        var what = cause is TimeoutException
            ? $"Redis did not confirm the invalidation of the tags [{string.Join(", ", tags)}] within OperationTimeout ({_options.OperationTimeout.TotalMilliseconds:0} ms), so it may or may not have been made"
            : $"Redis is unavailable, so the invalidation of the tags [{string.Join(", ", tags)}] was not made";
        var message = $"The \"{Name}\" Redis cache handler: {what}, and TagUpdatesDuringOutage is Fail. Retry the action when Redis is back " +
            "(an invalidation made twice does no harm), or set TagUpdatesDuringOutage to Queue to apply invalidations on this instance at once " +
            "and write them to Redis when it returns.";
        return cause is null ? new RedisUnavailableException(message) : new RedisUnavailableException(message, cause);
    }

    /// <summary>Writes queued invalidations while Redis is available, retrying with backoff; an outage hands them to the recovery.</summary>
    private void StartFlush()
    {
        if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0)
        {
            _ = Task.Run(FlushAsync);
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            var wait = ProbeInterval;
            while (!_disposed.IsCancellationRequested && IsAvailable && !_pendingTagUpdates.IsEmpty)
            {
                try
                {
                    await ReplayTagUpdatesAsync(_options.OperationTimeout).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsOutage(ex))
                {
                    OnFailure(ex);
                    await Task.Delay(wait, _disposed.Token).ConfigureAwait(false);
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxProbeInterval.Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // disposed
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
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
            Learn(tags[i], TagRecord.Parse(((string?)result[1 + i]).AsSpan()));
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
            OnFailure(ex);
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
            Learn(tags[i], values[i].IsNull ? TagRecord.None : TagRecord.Parse(((string?)values[i]).AsSpan()));
        }
    }

    /// <summary>
    /// Catches up with tag changes this instance may have missed: asks Redis for the current version and the tags changed
    /// since the one seen last, and reads those again (or forgets every tag when too much changed, and the local tier too
    /// when Redis lost its data). Tag state is then confirmed as of the start of the check.
    /// </summary>
    private async Task<Reconciliation> SyncTagsAsync(TimeSpan? timeout = null)
    {
        var started = Now;
        var since = Volatile.Read(ref _syncedVersion);
        var keys = new RedisKey[] { _tagKeys.Version, _tagKeys.Changes, _tagKeys.Trimmed, _tagKeys.Epoch };
        var args = new RedisValue[] { since, Guid.NewGuid().ToString("N") };
        var result = (RedisResult[])(await Timed(Database.ScriptEvaluateAsync(RedisScripts.SyncTags, keys, args), timeout).ConfigureAwait(false))!;
        Volatile.Write(ref _lastSyncTimestamp, Stopwatch.GetTimestamp());
        var epoch = (string)result[0]!;
        var version = (long)result[1];
        var reconciled = Reconciliation.ChangeLog;
        if (_epoch is not null && epoch != _epoch)
        {
            // Redis lost its data (a restart without persistence): nothing known here about tags or entries can be trusted.
            Forget(localTier: true);
            reconciled = Reconciliation.DataLost;
        }
        else if (result.Length > 2 && (string?)result[2] == "full")
        {
            Forget(localTier: version < since);
            reconciled = version < since ? Reconciliation.DataLost : Reconciliation.TagsReread;
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
        InterlockedMax(ref _confirmedAt, started);
        return reconciled;
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var seen = Volatile.Read(ref location);
        while (value > seen && Interlocked.CompareExchange(ref location, value, seen) is var found && found != seen)
        {
            seen = found;
        }
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

    /// <summary>
    /// Writes the invalidations made while Redis was unreachable, in order, with the times they were made; returns how many.
    /// One writer at a time (the recovery, or a background retry), so that each is written once and none is skipped.
    /// </summary>
    private async Task<int> ReplayTagUpdatesAsync(TimeSpan timeout)
    {
        await _replaying.WaitAsync(_disposed.Token).ConfigureAwait(false);
        try
        {
            var written = 0;
            while (_pendingTagUpdates.TryPeek(out var update))
            {
                await WriteTagUpdateAsync(update.Tags, update.Durations, update.At, timeout).ConfigureAwait(false);
                if (_pendingTagUpdates.TryDequeue(out _))
                {
                    Interlocked.Decrement(ref _pendingTagUpdateCount);
                    written++;
                }
            }

            return written;
        }
        finally
        {
            _replaying.Release();
        }
    }

    /// <summary>
    /// Takes a tag record read from Redis or a message, and, with the tag backplane on, hands it to the in-memory cache kinds
    /// of this instance (unless a newer record is already known here): their tag state then follows every instance's
    /// invalidations.
    /// </summary>
    private void Learn(string tag, TagRecord record)
    {
        var state = record.State;
        if (!_tags.Merge(tag, record) || _backplane.Length == 0 || state == default)
        {
            return;
        }

        string[] tags = [tag];
        foreach (var memory in _backplane)
        {
            if (state.Expired is { } expired)
            {
                memory.Tags.Update(tags, null, expired);
            }

            if (state.Stale is { } stale)
            {
                memory.Tags.Update(tags, new TagDurations(state.ExpiresAt is { } until ? (until - stale) / 1000.0 : null), stale);
            }
        }
    }

    /// <summary>Makes this handler the tag backplane of an instance's in-memory cache kinds (see <see cref="RedisCacheHandlerOptions.TagBackplane"/>).</summary>
    internal void AttachBackplane(MemoryCacheHandler[] handlers) => _backplane = handlers;

    /// <inheritdoc />
    /// <remarks>On unless <see cref="RedisCacheHandlerOptions.TagBackplane"/> is off.</remarks>
    public bool IsTagBackplane => _options.TagBackplane;

    /// <inheritdoc />
    /// <remarks>When the last tag check that Redis answered started (a check replays every change since the previous one).</remarks>
    public long TagsConfirmedAt => Volatile.Read(ref _confirmedAt);

    /// <inheritdoc />
    /// <remarks><see cref="RedisCacheHandlerOptions.MaxStalenessDuringOutage"/>: the bound the local tier keeps too.</remarks>
    public TimeSpan MaxTagStaleness => _options.MaxStalenessDuringOutage;

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
                Learn(tag, record);
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

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "The \"{Handler}\" Redis cache handler could not write the invalidation of the tags [{Tags}] to Redis: it applies on this instance now and is written, with its original time, when Redis answers again; until then other instances do not see it.")]
    private partial void LogTagUpdateQueued(string handler, string tags);

    /// <summary>How tag state was reconciled with Redis after an outage.</summary>
    private enum Reconciliation
    {
        /// <summary>From the change log: what changed meanwhile was read again; the rest, and the local tier, kept.</summary>
        ChangeLog,

        /// <summary>Too much changed to replay: every tag is read again on demand; the local tier is kept and checked against them.</summary>
        TagsReread,

        /// <summary>Redis lost its data: tag state and the local tier were dropped.</summary>
        DataLost,
    }

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
