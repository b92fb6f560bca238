using System.Collections.Immutable;
using Microsoft.AspNetCore.Components;
using static Strata.Cache;

namespace Strata.Generators.Tests.Samples;

// The example, compiled by this test project with Strata.Generators as its analyzer (as an application is).

public sealed record Product(string Id, string Name, int Version);

/// <summary>Stands in for a database: counts the queries that reach it ("upstream calls").</summary>
public sealed class AppDb
{
    private int _queries;

    public int Queries => Volatile.Read(ref _queries);

    public ProductSet Products => new(this);

    internal int Query() => Interlocked.Increment(ref _queries);

    public sealed class ProductSet(AppDb db)
    {
        public async ValueTask<Product?> FindAsync(string id)
        {
            await Task.Yield();
            var version = db.Query();
            return id.StartsWith("missing", StringComparison.Ordinal) ? null : new Product(id, "Product " + id, version);
        }
    }
}

public class Catalog(AppDb db)
{
    [UseCache]
    public virtual async Task<Product?> GetProduct(string id)
    {
        CacheTag($"product-{id}");
        CacheLife("hours");
        return await db.Products.FindAsync(id);
    }

    [UseCache("remote")]
    public virtual async Task<decimal> GetPrice(string productId, string currency)
    {
        var product = await db.Products.FindAsync(productId);
        return (product?.Version ?? 0) + (currency == "EUR" ? 10m : 12m);
    }

    [UseCache]
    public virtual async ValueTask<Product?> Find(string id, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return await db.Products.FindAsync(id);
    }

    [UseCache]
    public virtual async Task<string> Decorate(string id, Func<string, string> decorate, RenderFragment? fragment = null)
    {
        var product = await db.Products.FindAsync(id);
        return decorate(product!.Name);
    }

    /// <summary>Not cached: no [UseCache].</summary>
    public virtual Task<Product?> Uncached(string id) => db.Products.FindAsync(id).AsTask();
}

public sealed record DailyReport(DateOnly Day, int Query);

[UseCache]   // the file-level form: every public method is cached
public class Reports(AppDb db)
{
    public virtual async Task<DailyReport> Daily(DateOnly day)
    {
        CacheLife("days");
        await Task.Yield();
        return new DailyReport(day, db.Query());
    }

    public virtual async Task<ImmutableArray<int>> Numbers(int count)
    {
        await Task.Yield();
        db.Query();
        return [.. Enumerable.Range(0, count)];
    }
}

public interface IPricing
{
    Task<decimal> Price(string id);
}

/// <summary>Registered behind an interface.</summary>
public class Pricing(AppDb db) : IPricing
{
    [UseCache]
    public virtual async Task<decimal> Price(string id)
    {
        await Task.Yield();
        return db.Query();
    }
}

/// <summary>Uses a custom kind, which needs a handler: declared at module load, so start-up can check it.</summary>
public class Archive(AppDb db)
{
    public const string Kind = "archive";

    [UseCache(Kind)]
    public virtual async Task<int> Count(string year)
    {
        await Task.Yield();
        return db.Query();
    }
}

/// <summary>Two constructors, one with an optional parameter: both are forwarded.</summary>
public class Inventory
{
    private readonly AppDb _db;

    public Inventory(AppDb db, int warehouse = 7)
    {
        _db = db;
        Warehouse = warehouse;
    }

    public int Warehouse { get; }

    [UseCache]
    public virtual async Task<int> Stock(string id)
    {
        await Task.Yield();
        return _db.Query() + Warehouse;
    }
}

/// <summary>Holds a cached body until the test opens it.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Opened => _open.Task;

    public void Open() => _open.TrySetResult();
}

public class Feed(AppDb db, Gate gate)
{
    [UseCache]
    public virtual async Task<int> Latest(string topic, CancellationToken cancellationToken)
    {
        await gate.Opened.WaitAsync(cancellationToken);
        return db.Query();
    }
}
