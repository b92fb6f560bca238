using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Storefront.Data;

/// <summary>
/// The shop's embedded SQLite database: one local file (<c>Storefront:Database</c>, by default <c>data/storefront.db</c>
/// under the content root), created and seeded on first start with deterministic data.
/// </summary>
public sealed class Database
{
    private readonly string _connectionString;

    public Database(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = configuration["Storefront:Database"] ?? "data/storefront.db";
        Path = System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(environment.ContentRootPath, path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public static readonly string[] Categories = ["shoes", "bags", "hats", "watches"];

    /// <summary>The seeded products' names, by category (products are edited in the sample, never added or removed).</summary>
    private static readonly string[][] ProductNames =
    [
        ["Trail Runner", "City Sneaker", "Leather Loafer", "Canvas Slip-on", "Hiking Boot", "Court Classic"],
        ["Weekender Duffel", "Commuter Backpack", "Canvas Tote", "Leather Satchel", "Sling Bag", "Laptop Sleeve"],
        ["Wool Beanie", "Bucket Hat", "Baseball Cap", "Panama Hat", "Flat Cap", "Sun Visor"],
        ["Field Watch", "Dive Watch", "Dress Watch", "Chronograph", "Pilot Watch", "Smart Band"],
    ];

    /// <summary>Whether a product with this id exists (ids run from 1 to the number of seeded products).</summary>
    public static bool IsProductId(int id) => id >= 1 && id <= ProductNames.Sum(c => c.Length);

    public static readonly IReadOnlyDictionary<string, decimal> Currencies = new Dictionary<string, decimal>
    {
        ["USD"] = 1m, ["EUR"] = 0.92m, ["GBP"] = 0.79m, ["JPY"] = 151m,
    };

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Creates and seeds the database when its file does not exist yet.</summary>
    public void EnsureCreated()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var connection = Open();
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'products'";
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
            {
                return;
            }
        }

        using var transaction = connection.BeginTransaction();
        Execute(connection, """
            CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price REAL NOT NULL, description TEXT NOT NULL, color TEXT NOT NULL);
            CREATE TABLE currencies (code TEXT PRIMARY KEY, rate REAL NOT NULL);
            CREATE TABLE content (language TEXT PRIMARY KEY, welcome TEXT NOT NULL, tagline TEXT NOT NULL);
            CREATE TABLE users (id INTEGER PRIMARY KEY, active INTEGER NOT NULL);
            CREATE TABLE orders (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, units INTEGER NOT NULL, amount REAL NOT NULL, created TEXT NOT NULL);
            CREATE TABLE feed (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, published TEXT NOT NULL);
            CREATE TABLE bookings (id INTEGER PRIMARY KEY, type TEXT NOT NULL, stylist TEXT NOT NULL, start TEXT NOT NULL, taken INTEGER NOT NULL);
            """);

        var names = ProductNames;
        string[] colors = ["#e07a5f", "#3d405b", "#81b29a", "#f2cc8f", "#6d597a", "#457b9d"];
        var id = 1;
        for (var c = 0; c < Categories.Length; c++)
        {
            for (var i = 0; i < names[c].Length; i++, id++)
            {
                var price = Math.Round(19.5m + (id * 7.31m % 180m), 2);
                Execute(connection, "INSERT INTO products VALUES ($id, $name, $category, $price, $description, $color)",
                    ("$id", id), ("$name", names[c][i]), ("$category", Categories[c]), ("$price", price),
                    ("$description", $"The {names[c][i].ToLowerInvariant()}: made to last, easy to love. Product #{id} of our {Categories[c]} collection."),
                    ("$color", colors[(id - 1) % colors.Length]));
            }
        }

        foreach (var (code, rate) in Currencies)
        {
            Execute(connection, "INSERT INTO currencies VALUES ($code, $rate)", ("$code", code), ("$rate", rate));
        }

        (string Language, string Welcome, string Tagline)[] content =
        [
            ("en", "Welcome to Strata Supply Co.", "Good things, served fast."),
            ("fr", "Bienvenue chez Strata Supply Co.", "De bonnes choses, servies vite."),
            ("de", "Willkommen bei Strata Supply Co.", "Gute Dinge, schnell serviert."),
            ("es", "Bienvenido a Strata Supply Co.", "Cosas buenas, servidas rápido."),
        ];
        foreach (var (language, welcome, tagline) in content)
        {
            Execute(connection, "INSERT INTO content VALUES ($l, $w, $t)", ("$l", language), ("$w", welcome), ("$t", tagline));
        }

        var random = new Random(42);
        for (var u = 1; u <= 1200; u++)
        {
            Execute(connection, "INSERT INTO users VALUES ($id, $active)", ("$id", u), ("$active", random.Next(10) < 3 ? 1 : 0));
        }

        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var o = 1; o <= 600; o++)
        {
            var product = random.Next(1, id);
            var units = random.Next(1, 4);
            Execute(connection, "INSERT INTO orders VALUES ($id, $p, $u, $a, $c)", ("$id", o), ("$p", product), ("$u", units),
                ("$a", Math.Round(units * (19.5m + (product * 7.31m % 180m)), 2)), ("$c", start.AddHours(o * 14.5).ToString("O", CultureInfo.InvariantCulture)));
        }

        string[] headlines = ["Autumn collection is here", "Free returns, all year", "Meet our new stylists", "Watch care 101", "The weekend bag, rethought", "Hats for every head", "Behind the stitching", "Store hours for the holidays"];
        for (var f = 0; f < headlines.Length; f++)
        {
            Execute(connection, "INSERT INTO feed VALUES ($id, $t, $b, $p)", ("$id", f + 1), ("$t", headlines[f]),
                ("$b", $"{headlines[f]}. Read the whole story in the shop."), ("$p", start.AddDays(300 + (f * 3)).ToString("O", CultureInfo.InvariantCulture)));
        }

        string[] stylists = ["Ada", "Grace", "Linus", "Margaret"];
        var booking = 1;
        foreach (var type in new[] { "haircut", "beard", "color" })
        {
            for (var s = 0; s < 8; s++, booking++)
            {
                Execute(connection, "INSERT INTO bookings VALUES ($id, $t, $s, $start, $taken)", ("$id", booking), ("$t", type), ("$s", stylists[s % stylists.Length]),
                    ("$start", start.AddDays(330).AddHours(9 + s).ToString("O", CultureInfo.InvariantCulture)), ("$taken", random.Next(3) == 0 ? 1 : 0));
            }
        }

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
