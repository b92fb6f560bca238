using System.Globalization;
using System.Text.RegularExpressions;
using Storefront.Data;

namespace Storefront;

/// <summary>
/// Every rule for what the Storefront accepts from a visitor (route values, query strings, cookies, form fields, return
/// URLs), in one place. Input that breaks a rule is answered with a 4xx and a message, or the form shown again, and is
/// never stored; nothing here throws.
/// </summary>
public static partial class Input
{
    /// <summary>The languages of the home page's copy (the <c>language</c> cookie).</summary>
    public static readonly string[] Languages = ["en", "fr", "de", "es"];

    /// <summary>The booking types (the <c>type</c> query value of /bookings).</summary>
    public static readonly string[] BookingTypes = ["haircut", "beard", "color"];

    /// <summary>The highest price the admin form accepts, and the highest price filter.</summary>
    public const decimal MaxPrice = 100_000m;

    /// <summary>The longest product name the admin form accepts.</summary>
    public const int MaxNameLength = 80;

    /// <summary>The longest product description the admin form accepts.</summary>
    public const int MaxDescriptionLength = 500;

    /// <summary>The message shown for a return URL that is not a path on this site.</summary>
    public const string ReturnUrlMessage = "returnUrl must be a path on this site, like /product/1.";

    public static bool IsLanguage(string? value) => value is not null && Languages.Contains(value, StringComparer.Ordinal);

    public static bool IsCurrency(string? value) => value is not null && Database.Currencies.ContainsKey(value);

    public static bool IsBookingType(string? value) => value is not null && BookingTypes.Contains(value, StringComparer.Ordinal);

    /// <summary>The category of a route value (<c>/products/Shoes</c> is shoes), or <see langword="null"/> when there is no such category.</summary>
    public static string? Category(string? value) =>
        Database.Categories.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The cache tags a visitor may revalidate through <c>/api/revalidate</c>: the ones the shop's caches use
    /// (<c>products</c>, <c>products-{category}</c>, <c>product-{id}</c>, <c>product-price-{id}</c>, <c>global-stats</c>,
    /// <c>feed-items</c>, <c>bookings</c>, <c>bookings-{type}</c>).
    /// </summary>
    public static bool IsTag(string? value) => value switch
    {
        null => false,
        "products" or "global-stats" or "feed-items" or "bookings" => true,
        _ when value.StartsWith("products-", StringComparison.Ordinal) => Database.Categories.Contains(value["products-".Length..], StringComparer.Ordinal),
        _ when value.StartsWith("bookings-", StringComparison.Ordinal) => IsBookingType(value["bookings-".Length..]),
        _ when value.StartsWith("product-price-", StringComparison.Ordinal) => IsProductId(value["product-price-".Length..]),
        _ when value.StartsWith("product-", StringComparison.Ordinal) => IsProductId(value["product-".Length..]),
        _ => false,
    };

    /// <summary>
    /// The address to go back to: "/" when none is given; a path on this site (it starts with one slash, not two and not a
    /// slash and a backslash, and has only URL characters: no spaces, control characters or backslashes); otherwise
    /// <see langword="false"/> (never an address on another site).
    /// </summary>
    public static bool TryReturnUrl(string? value, out string url)
    {
        url = string.IsNullOrEmpty(value) ? "/" : value;
        return string.IsNullOrEmpty(value) || (value.Length <= 2048 && LocalPath().IsMatch(value));
    }

    /// <summary>A price filter: empty means none; otherwise a whole or decimal number from 0 to <see cref="MaxPrice"/>.</summary>
    public static bool TryPriceFilter(string? value, out decimal? minPrice)
    {
        minPrice = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (!TryPrice(value, out var price))
        {
            return false;
        }

        minPrice = price;
        return true;
    }

    /// <summary>
    /// A price as a person types it: digits, optionally a point and one or two decimals (<c>12</c>, <c>12.5</c>,
    /// <c>12.50</c>), at most <see cref="MaxPrice"/>. No signs, exponents, thousands separators or decimal commas, so that
    /// nothing is read as another number than the one meant.
    /// </summary>
    public static bool TryPrice(string? value, out decimal price)
    {
        price = 0;
        var trimmed = value?.Trim();
        return trimmed is not null
            && Price().IsMatch(trimmed)
            && decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out price)
            && price <= MaxPrice;
    }

    /// <summary>Text of a form field: trimmed; at most <paramref name="maxLength"/> characters; no control characters (line breaks allowed when <paramref name="multiline"/>).</summary>
    public static bool TryText(string? value, int maxLength, bool multiline, out string text)
    {
        text = value?.Trim() ?? "";
        return text.Length <= maxLength && !text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'));
    }

    private static bool IsProductId(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && Database.IsProductId(id);

    [GeneratedRegex(@"^/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*\z")]
    private static partial Regex LocalPath();

    [GeneratedRegex(@"^[0-9]{1,6}(\.[0-9]{1,2})?\z")]
    private static partial Regex Price();
}
