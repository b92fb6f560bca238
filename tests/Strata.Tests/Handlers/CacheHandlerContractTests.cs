using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Strata.Tests.Handlers;

/// <summary>
/// The contract every <see cref="ICacheHandler"/> keeps (Next.js's cache handler contract, as the engine relies on it).
/// One suite for every handler: derive from it, make the handler in <see cref="CreateHandlerAsync"/> on <see cref="Time"/>,
/// and the same specifications run against it. The memory handler runs it here; the Redis and IDistributedCache handlers
/// run it in Strata.Redis.Tests, which links this file.
/// </summary>
public abstract class CacheHandlerContractTests : IAsyncLifetime
{
    private ICacheHandler? _handler;

    /// <summary>The clock the handler must use.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The serializer the handler must use to read values back.</summary>
    protected ICacheSerializer Serializer { get; } = new JsonCacheSerializer();

    /// <summary>The handler under test.</summary>
    protected ICacheHandler Handler => _handler ?? throw new InvalidOperationException("The handler is made in InitializeAsync.");

    private long Now => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Makes the handler under test, on <see cref="Time"/> and <see cref="Serializer"/>, with empty storage.</summary>
    protected abstract Task<ICacheHandler> CreateHandlerAsync();

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => _handler = await CreateHandlerAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        switch (_handler)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [Fact]
    public async Task Get_ReturnsNull_WhenNothingWasStored()
    {
        Assert.Null(await Handler.GetAsync(Key("missing"), []));
    }

    [Fact]
    public async Task Get_ReturnsTheStoredValue()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple")));

        var entry = await Handler.GetAsync(Key("a"), []);

        Assert.Equal("apple", Read(entry));
    }

    [Fact]
    public async Task Get_ReturnsTheStoredTagsTimestampAndLifetimes()
    {
        var stored = Entry("apple", ["fruit", "red"], stale: 30, revalidate: 60, expire: 3600);
        await Handler.SetAsync(Key("a"), Task.FromResult(stored));

        var entry = await Handler.GetAsync(Key("a"), []);

        Assert.NotNull(entry);
        Assert.Equal(["fruit", "red"], entry.Tags);
        Assert.Equal(stored.Timestamp, entry.Timestamp);
        Assert.Equal((30d, 60d, 3600d), (entry.Stale, entry.Revalidate, entry.Expire));
    }

    [Fact]
    public async Task Get_ReturnsAnEntryThatNeverExpires()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", expire: StrataDefaults.InfiniteSeconds)));
        Time.Advance(TimeSpan.FromDays(400));

        var entry = await Handler.GetAsync(Key("a"), []);

        Assert.Equal("apple", Read(entry));
    }

    [Fact]
    public async Task Get_ReturnsALargeValueIntact()
    {
        var large = new string('x', 200_000);
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry(large)));

        var entry = await Handler.GetAsync(Key("a"), []);

        Assert.Equal(large, Read(entry));
    }

    [Fact]
    public async Task Get_KeepsKeysApart()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple")));
        await Handler.SetAsync(Key("b"), Task.FromResult(Entry("banana")));

        Assert.Equal("apple", Read(await Handler.GetAsync(Key("a"), [])));
        Assert.Equal("banana", Read(await Handler.GetAsync(Key("b"), [])));
    }

    [Fact]
    public async Task Set_ReplacesThePreviousEntry()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple")));
        Time.Advance(TimeSpan.FromSeconds(1));
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apricot")));

        Assert.Equal("apricot", Read(await Handler.GetAsync(Key("a"), [])));
    }

    [Fact]
    public async Task Get_ReturnsAStaleEntry_PastRevalidate_BeforeExpire()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", revalidate: 60, expire: 3600)));
        Time.Advance(TimeSpan.FromSeconds(120));

        var entry = await Handler.GetAsync(Key("a"), []);

        Assert.Equal("apple", Read(entry));
    }

    [Fact]
    public async Task Get_ReturnsNull_PastExpire()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", revalidate: 60, expire: 3600)));
        Time.Advance(TimeSpan.FromSeconds(3601));

        Assert.Null(await Handler.GetAsync(Key("a"), []));
    }

    [Fact]
    public async Task Get_WaitsForAPendingSetOfTheSameKey()
    {
        var pending = new TaskCompletionSource<CacheEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var set = Handler.SetAsync(Key("a"), pending.Task).AsTask();

        var get = Handler.GetAsync(Key("a"), []).AsTask();
        Assert.False(get.IsCompleted);
        pending.SetResult(Entry("apple"));

        Assert.Equal("apple", Read(await get));
        await set;
    }

    [Fact]
    public async Task Set_StoresNothing_WhenThePendingEntryFails()
    {
        await Handler.SetAsync(Key("a"), Task.FromException<CacheEntry>(new InvalidOperationException("the function failed")));

        Assert.Null(await Handler.GetAsync(Key("a"), []));
    }

    [Fact]
    public async Task FailedSet_LeavesThePreviousEntry()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple")));

        await Handler.SetAsync(Key("a"), Task.FromException<CacheEntry>(new InvalidOperationException("the function failed")));

        Assert.Equal("apple", Read(await Handler.GetAsync(Key("a"), [])));
    }

    [Fact]
    public async Task UpdateTags_WithoutDurations_ExpiresEntriesMadeBeforeOrAtNow()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));

        await Handler.UpdateTagsAsync(["fruit"], null);

        Assert.Null(await Handler.GetAsync(Key("a"), []));
    }

    [Fact]
    public async Task UpdateTags_WithoutDurations_LeavesEntriesMadeAfterwards()
    {
        await Handler.UpdateTagsAsync(["fruit"], null);
        Time.Advance(TimeSpan.FromMilliseconds(1));

        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));

        Assert.Equal("apple", Read(await Handler.GetAsync(Key("a"), [])));
    }

    [Fact]
    public async Task UpdateTags_LeavesEntriesWithOtherTags()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));
        await Handler.SetAsync(Key("b"), Task.FromResult(Entry("bread", ["bakery"])));

        await Handler.UpdateTagsAsync(["fruit"], null);

        var entry = await Handler.GetAsync(Key("b"), []);
        Assert.Equal("bread", Read(entry));
        Assert.Equal(900, entry!.Revalidate);
    }

    [Fact]
    public async Task UpdateTags_AppliesToEveryTagGiven()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));
        await Handler.SetAsync(Key("b"), Task.FromResult(Entry("bread", ["bakery"])));

        await Handler.UpdateTagsAsync(["fruit", "bakery"], null);

        Assert.Null(await Handler.GetAsync(Key("a"), []));
        Assert.Null(await Handler.GetAsync(Key("b"), []));
    }

    [Fact]
    public async Task UpdateTags_WithDurations_ReturnsEntriesForRevalidation()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));

        await Handler.UpdateTagsAsync(["fruit"], new TagDurations(Expire: 3600));

        var entry = await Handler.GetAsync(Key("a"), []);
        Assert.Equal("apple", Read(entry));
        Assert.Equal(-1, entry!.Revalidate);
    }

    [Fact]
    public async Task UpdateTags_WithDurations_ExpiresEntriesAfterTheDuration()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));
        await Handler.UpdateTagsAsync(["fruit"], new TagDurations(Expire: 60));

        Time.Advance(TimeSpan.FromSeconds(61));

        Assert.Null(await Handler.GetAsync(Key("a"), []));
    }

    [Fact]
    public async Task EntryMadeAfterARevalidation_IsFresh()
    {
        await Handler.UpdateTagsAsync(["fruit"], new TagDurations(Expire: 3600));
        Time.Advance(TimeSpan.FromMilliseconds(1));

        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"], revalidate: 60)));

        Assert.Equal(60, (await Handler.GetAsync(Key("a"), []))!.Revalidate);
    }

    [Fact]
    public async Task UpdateTags_WithoutDurations_AfterARevalidation_ExpiresNow()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));
        await Handler.UpdateTagsAsync(["fruit"], new TagDurations(Expire: 31536000));
        Time.Advance(TimeSpan.FromSeconds(1));

        await Handler.UpdateTagsAsync(["fruit"], null);

        Assert.Null(await Handler.GetAsync(Key("a"), []));
    }

    [Fact]
    public async Task AnEntryExpiredByATag_StaysExpired_WhenTheTagIsThenRevalidatedWithAProfile()
    {
        // Next.js overwrites the tag's expiry with the profile's future one, and the expired entry comes back as stale.
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        await Handler.UpdateTagsAsync(["fruit"], null);
        Time.Advance(TimeSpan.FromMilliseconds(1));

        await Handler.UpdateTagsAsync(["fruit"], new TagDurations(3600));

        Assert.Null(await Handler.GetAsync(Key("a"), []));
        Assert.Equal(Now - 1, await Handler.GetExpirationAsync(["fruit"]));
    }

    [Fact]
    public async Task AProfilesExpiry_ThatHasPassed_StillExpiresOlderEntries_AfterALaterProfile()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        await Handler.UpdateTagsAsync(["fruit"], new TagDurations(5)); // stale now, expired in 5 s
        Time.Advance(TimeSpan.FromSeconds(6));

        await Handler.UpdateTagsAsync(["fruit"], new TagDurations(3600)); // a later profile schedules a later expiry

        Assert.Null(await Handler.GetAsync(Key("a"), []));
    }

    [Fact]
    public async Task GetExpiration_IsZero_ForTagsThatNeverExpired()
    {
        Assert.Equal(0, await Handler.GetExpirationAsync(["never-touched"]));
    }

    [Fact]
    public async Task GetExpiration_IsTheLatestExpiryOfTheTags()
    {
        await Handler.UpdateTagsAsync(["a"], null);
        Time.Advance(TimeSpan.FromSeconds(5));
        await Handler.UpdateTagsAsync(["b"], null);
        var latest = Now;

        Assert.Equal(latest, await Handler.GetExpirationAsync(["a", "b", "c"]));
    }

    [Fact]
    public async Task GetExpiration_IgnoresExpiriesStillInTheFuture()
    {
        await Handler.UpdateTagsAsync(["a"], new TagDurations(Expire: 60));

        Assert.Equal(0, await Handler.GetExpirationAsync(["a"]));
    }

    [Fact]
    public async Task GetExpiration_CountsAnExpiryOnceItHasPassed()
    {
        await Handler.UpdateTagsAsync(["a"], new TagDurations(Expire: 60));
        var expiresAt = Now + 60_000;

        Time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(expiresAt, await Handler.GetExpirationAsync(["a"]));
    }

    [Fact]
    public async Task RefreshTags_KeepsEntriesAndTagState()
    {
        await Handler.SetAsync(Key("a"), Task.FromResult(Entry("apple", ["fruit"])));
        await Handler.UpdateTagsAsync(["bakery"], null);
        var expiration = Now;

        await Handler.RefreshTagsAsync();

        Assert.Equal("apple", Read(await Handler.GetAsync(Key("a"), [])));
        Assert.Equal(expiration, await Handler.GetExpirationAsync(["bakery"]));
    }

    /// <summary>A key for a readable name.</summary>
    protected static CacheKey Key(string name) => new(XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(name)), name);

    /// <summary>An entry made now (unless <paramref name="timestamp"/> is given) holding a JSON string.</summary>
    protected CacheEntry Entry(string value, string[]? tags = null, double stale = 300, double revalidate = 900, double expire = 86400, long? timestamp = null)
    {
        var bytes = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(value));
        return new CacheEntry(CacheValue.FromBytes(bytes, Serializer), tags ?? [], timestamp ?? Now, stale, revalidate, expire);
    }

    /// <summary>The string an entry holds.</summary>
    protected static string? Read(CacheEntry? entry) => entry?.Value.Read<string>();
}
