using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Strata;
using static Strata.Cache;

namespace Storefront.Data;

/// <summary>What a server function returns for a form it refused: the problems, field by field.</summary>
public sealed record ActionResult(bool Ok, IReadOnlyList<string> Errors);

/// <summary>
/// The seed's <c>createUser</c> and <c>fetchUsers</c> ('use server' at the top of a file: every public method is a
/// server function), called from a form without JavaScript and by fetch from the members page.
/// </summary>
[UseServer]
public sealed class MemberActions(Database database) : IMemberActions
{
    public async Task<ActionResult> CreateUser(string name, string email)
    {
        var errors = new List<string>();
        if (!Input.TryText(name, Input.MaxNameLength, multiline: false, out var cleanName) || cleanName.Length == 0)
        {
            errors.Add($"Name is required: up to {Input.MaxNameLength} characters.");
        }

        if (email is null || email.Length > 200 || !email.Contains('@', StringComparison.Ordinal))
        {
            errors.Add("Email must be an address like ada@example.com.");
        }

        if (errors.Count > 0)
        {
            return new ActionResult(false, errors);
        }

        await using var connection = database.Open();
        EnsureTable(connection);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO members (name, email) VALUES ($name, $email)";
        insert.Parameters.AddWithValue("$name", cleanName);
        insert.Parameters.AddWithValue("$email", email!);
        await insert.ExecuteNonQueryAsync();
        await UpdateTag("members"); // the members list (cached) shows the new member in this same response
        return new ActionResult(true, []);
    }

    public async Task<IReadOnlyList<Member>> FetchUsers()
    {
        await using var connection = database.Open();
        EnsureTable(connection);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT id, name, email FROM members ORDER BY id";
        var members = new List<Member>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            members.Add(new Member(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return members;
    }

    private static void EnsureTable(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE IF NOT EXISTS members (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL)";
        create.ExecuteNonQuery();
    }
}

/// <summary>The members list, cached and tagged "members" (CreateUser updates the tag).</summary>
public class MemberDirectory(MemberActions members)
{
    [UseCache]
    public virtual async Task<System.Collections.Immutable.ImmutableArray<Member>> List()
    {
        CacheTag("members");
        return [.. await members.FetchUsers()];
    }
}

/// <summary>A cart kept in a cookie: "add to cart" works without JavaScript (a ServerForm) and sets the cookie in the action.</summary>
[UseServer]
public sealed class CartActions
{
    public const string Cookie = "cart";

    public Task AddToCart(int productId, int quantity)
    {
        if (!Database.IsProductId(productId) || quantity is < 1 or > 9)
        {
            return Task.CompletedTask; // nothing to add; the page shows the cart unchanged
        }

        var cart = CartCookie.Read(Cookies().TryGetValue(Cookie, out var value) ? value : null);
        cart[productId] = Math.Min(99, cart.GetValueOrDefault(productId) + quantity);
        Cookies().Set(Cookie, string.Join('.', cart.Select(p => $"{p.Key}-{p.Value}")), new CookieSettings { HttpOnly = true, MaxAge = TimeSpan.FromDays(7) });
        Refresh(); // called from a client component, the page is rendered again and its cart badge shows the new count
        return Task.CompletedTask;
    }

    public Task EmptyCart()
    {
        Cookies().Delete(Cookie);
        return Task.CompletedTask;
    }
}

/// <summary>The cart cookie: "id-quantity" pairs separated by dots.</summary>
public static class CartCookie
{
    /// <summary>The cart cookie as product id → quantity; anything malformed is left out.</summary>
    public static Dictionary<int, int> Read(string? cookie)
    {
        var cart = new Dictionary<int, int>();
        foreach (var item in (cookie ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries).Take(50))
        {
            var parts = item.Split('-');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && Database.IsProductId(id)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) && quantity is > 0 and <= 99)
            {
                cart[id] = quantity;
            }
        }

        return cart;
    }
}

/// <summary>
/// The admin's server functions: sign in with a simple cookie login, and the seed's inline <c>updatePost</c> (the product
/// id is captured by <c>ServerAction.Bind</c>, encrypted in the page). Editing is for admins only ([Authorize]).
/// </summary>
public sealed class AdminActions(ShopData data, IHttpContextAccessor http)
{
    public const string AdminRole = "admin";

    /// <summary>A demo login: the name "admin" with the password "strata" gets the admin role; nothing else signs in.</summary>
    [UseServer]
    public async Task SignIn(string name, string password, string? returnUrl)
    {
        if (name != "admin" || password != "strata")
        {
            Redirect("/login?failed=1");
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, AdminRole)], CookieAuthenticationDefaults.AuthenticationScheme);
        await http.HttpContext!.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        Redirect(Input.TryReturnUrl(returnUrl, out var url) ? url : "/");
    }

    [UseServer]
    public async Task SignOut()
    {
        await http.HttpContext!.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        Redirect("/");
    }

    /// <summary>The seed's <c>updatePost(id, formData)</c>: <paramref name="id"/> is captured when the page renders.</summary>
    [UseServer]
    [Authorize(Roles = AdminRole)]
    public async Task UpdateProduct(int id, FormData form)
    {
        var product = Database.IsProductId(id) ? await data.GetProduct(id) : null;
        var validName = Input.TryText(form.Get("name"), Input.MaxNameLength, multiline: false, out var name) && name.Length > 0;
        var validPrice = Input.TryPrice(form.Get("price"), out var price);
        if (product is null || !validName || !validPrice)
        {
            Redirect($"/admin/quick/{id}?invalid=1");
        }

        await data.UpdateProduct(id, name, price, product.Description);
        await UpdateTag($"product-{id}");
        await UpdateTag($"product-price-{id}");
        await UpdateTag($"products-{product.Category}");
    }
}

/// <summary>A price quote: the same work behind a server function and a hand-written endpoint (bench/http/server-functions.sh compares them).</summary>
public sealed record Quote(int ProductId, int Quantity, decimal UnitPrice, decimal Total);

/// <summary>The body of the hand-written quote endpoint.</summary>
public sealed record QuoteRequest(int ProductId, int Quantity);

/// <summary>Computes quotes from the catalog's price rule (no I/O, so a benchmark measures the call path, not the work).</summary>
public static class Quotes
{
    public static Quote? Compute(int productId, int quantity)
    {
        if (!Database.IsProductId(productId) || quantity is < 1 or > 99)
        {
            return null;
        }

        var unit = Math.Round(19.5m + (productId * 7.31m % 180m), 2);
        return new Quote(productId, quantity, unit, unit * quantity);
    }
}

/// <summary>The quote as a server function.</summary>
public static class QuoteActions
{
    [UseServer]
    public static Task<Quote?> Quote(int productId, int quantity) => Task.FromResult(Quotes.Compute(productId, quantity));
}
