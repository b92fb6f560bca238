using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Storefront.Data;

/// <summary>
/// Direct, uncached reads and writes of the shop's data. Every call goes to the upstream (and is counted there).
/// Cached code calls these; see <see cref="CachedShop"/> and the <c>[UseCache]</c> components.
/// </summary>
public sealed class ShopData(Database database, Upstream upstream, TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<Product?> GetProduct(int id)
    {
        await upstream.Call("products");
        using var connection = database.Open();
        return Query(connection, "SELECT id, name, category, price, description, color FROM products WHERE id = $id", ReadProduct, ("$id", id)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<Product>> GetProductsByCategory(string category)
    {
        await upstream.Call("categories");
        using var connection = database.Open();
        return Query(connection, "SELECT id, name, category, price, description, color FROM products WHERE category = $c ORDER BY id", ReadProduct, ("$c", category));
    }

    public async Task<Price> GetPrice(int productId, string currency)
    {
        await upstream.Call("prices");
        using var connection = database.Open();
        var rows = Query(connection, "SELECT p.price * c.rate FROM products p, currencies c WHERE p.id = $id AND c.code = $code",
            r => Convert.ToDecimal(r.GetDouble(0)), ("$id", productId), ("$code", currency));
        return new Price(productId, rows.Count == 0 ? 0 : Math.Round(rows[0], currency == "JPY" ? 0 : 2), currency, Now);
    }

    /// <summary>Products picked for one visitor and product (the seed's getPersonalizedRecommendations): the same three for the same pair.</summary>
    public async Task<Recommendations> GetPersonalizedRecommendations(int productId, string sessionId)
    {
        await upstream.Call("recommendations");
        using var connection = database.Open();
        var seed = sessionId.Aggregate(productId, (hash, c) => unchecked((hash * 31) + c)) & 0x3ff;
        var picks = Query(connection, "SELECT id, name, category, price, description, color FROM products WHERE id <> $id ORDER BY (id * 7919 + $seed) % 101 LIMIT 3",
            ReadProduct, ("$id", productId), ("$seed", seed));
        return new Recommendations(productId, sessionId, [.. picks], Now);
    }

    /// <summary>The products a visitor viewed, most recent first (their ids come from the visitor's cookie).</summary>
    public async Task<RecentlyViewed> GetRecentlyViewed(IReadOnlyList<int> ids)
    {
        await upstream.Call("products");
        using var connection = database.Open();
        var products = Query(connection, "SELECT id, name, category, price, description, color FROM products", ReadProduct).ToDictionary(p => p.Id);
        return new RecentlyViewed([.. ids.Where(products.ContainsKey).Select(id => products[id])], Now);
    }

    public async Task<HomeContent> GetHomeContent(string language)
    {
        await upstream.Call("cms");
        using var connection = database.Open();
        var rows = Query(connection, "SELECT language, welcome, tagline FROM content WHERE language = $l OR language = 'en' ORDER BY language = $l DESC",
            r => new HomeContent(r.GetString(0), r.GetString(1), r.GetString(2), Now), ("$l", language));
        return rows[0];
    }

    public async Task<GlobalStats> GetGlobalStats()
    {
        await upstream.Call("analytics");
        using var connection = database.Open();
        var row = Query(connection, "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM users WHERE active = 1), (SELECT coalesce(sum(amount), 0) FROM orders), (SELECT count(*) FROM orders)",
            r => new GlobalStats(r.GetInt32(0), r.GetInt32(1), Convert.ToDecimal(r.GetDouble(2)), r.GetInt32(3), Now))[0];
        return row;
    }

    public async Task<Feed> GetFeed()
    {
        await upstream.Call("feed");
        using var connection = database.Open();
        var items = Query(connection, "SELECT id, title, body, published FROM feed ORDER BY published DESC",
            r => new FeedItem(r.GetInt32(0), r.GetString(1), r.GetString(2), DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture)));
        return new Feed([.. items], Now);
    }

    public async Task<Report> GenerateReport()
    {
        await upstream.Call("transactions");
        using var connection = database.Open();
        var orders = Query(connection, "SELECT o.units, o.amount, o.created, p.name FROM orders o JOIN products p ON p.id = o.product_id",
            r => (Units: r.GetInt32(0), Amount: Convert.ToDecimal(r.GetDouble(1)), Created: DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture), Name: r.GetString(3)));
        var top = orders.GroupBy(o => o.Name).Select(g => new TopProduct(g.Key, g.Sum(o => o.Units), g.Sum(o => o.Amount)))
            .OrderByDescending(t => t.Revenue).Take(5).ToImmutableArray();
        var trend = orders.GroupBy(o => o.Created.ToString("yyyy-MM", CultureInfo.InvariantCulture)).OrderBy(g => g.Key)
            .Select(g => new MonthTotal(g.Key, g.Sum(o => o.Amount))).ToImmutableArray();
        return new Report(orders.Sum(o => o.Amount), top, trend, Now);
    }

    public async Task<IReadOnlyList<Booking>> GetBookings(string type)
    {
        await upstream.Call("bookings");
        using var connection = database.Open();
        return Query(connection, "SELECT id, type, stylist, start, taken FROM bookings WHERE type = $t ORDER BY start",
            r => new Booking(r.GetInt32(0), r.GetString(1), r.GetString(2), DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture), r.GetInt32(4) == 1), ("$t", type));
    }

    public async Task UpdateProduct(int id, string name, decimal price, string description)
    {
        await upstream.Call("products.write");
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE products SET name = $name, price = $price, description = $description WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$price", price);
        command.Parameters.AddWithValue("$description", description);
        command.ExecuteNonQuery();
    }

    private Product ReadProduct(SqliteDataReader r) =>
        new(r.GetInt32(0), r.GetString(1), r.GetString(2), Convert.ToDecimal(r.GetDouble(3)), r.GetString(4), r.GetString(5), Now);

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
