namespace Strata.Tests.Support;

internal static class Entries
{
    private static readonly JsonCacheSerializer Serializer = new();

    public static CacheEntry Make(string value, long timestamp, double revalidate = 900, double expire = StrataDefaults.InfiniteSeconds, params string[] tags) =>
        new(CacheValue.FromBytes(System.Text.Encoding.UTF8.GetBytes("\"" + value + "\""), Serializer), tags, timestamp, 300, revalidate, expire);

    public static CacheKey Key(int n) => new((UInt128)n);

    public static string Read(this CacheEntry entry) => entry.Value.Read<string>();
}
