using System.Collections.Immutable;

namespace Storefront.Data;

/// <summary>A product as the shop shows it.</summary>
public sealed record Product(int Id, string Name, string Category, decimal Price, string Description, string Color, DateTimeOffset GeneratedAt);

/// <summary>A product's price in a currency.</summary>
public sealed record Price(int ProductId, decimal Amount, string Currency, DateTimeOffset GeneratedAt);

/// <summary>The products of a category (cached by category only; filtered by price in memory). Immutable, so cache hits share one instance.</summary>
public sealed record CategoryProducts(string Category, ImmutableArray<Product> Products, DateTimeOffset GeneratedAt);

/// <summary>The home page's copy in one language.</summary>
public sealed record HomeContent(string Language, string Welcome, string Tagline, DateTimeOffset GeneratedAt);

/// <summary>Expensive aggregate numbers for the dashboard.</summary>
public sealed record GlobalStats(int TotalUsers, int ActiveSessions, decimal Revenue, int Orders, DateTimeOffset GeneratedAt);

/// <summary>One item of the news feed.</summary>
public sealed record FeedItem(int Id, string Title, string Body, DateTimeOffset PublishedAt);

/// <summary>The news feed.</summary>
public sealed record Feed(ImmutableArray<FeedItem> Items, DateTimeOffset GeneratedAt);

/// <summary>A sales report computed from every order.</summary>
public sealed record Report(decimal TotalRevenue, ImmutableArray<TopProduct> TopProducts, ImmutableArray<MonthTotal> Trend, DateTimeOffset GeneratedAt);

/// <summary>A best seller in the report.</summary>
public sealed record TopProduct(string Name, int Units, decimal Revenue);

/// <summary>Revenue of one month in the report.</summary>
public sealed record MonthTotal(string Month, decimal Revenue);

/// <summary>A booking slot.</summary>
public sealed record Booking(int Id, string Type, string Stylist, DateTimeOffset Start, bool Taken);

/// <summary>Products recommended to one visitor on one product page (a private cache: kept only in that visitor's browser).</summary>
public sealed record Recommendations(int ProductId, string SessionId, ImmutableArray<Product> Products, DateTimeOffset GeneratedAt);

/// <summary>The products one visitor viewed, most recent first.</summary>
public sealed record RecentlyViewed(ImmutableArray<Product> Products, DateTimeOffset GeneratedAt);
