using System.Collections;
using System.Linq.Expressions;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Support;
using static Strata.Cache;

namespace Strata.Tests.Keys;

/// <summary>
/// Issue 8, defect 1: a captured variable read only inside an expression tree (IQueryable, EF Core) is read through
/// <c>ldtoken</c>, not <c>ldfld</c>, and must still be part of the key.
/// </summary>
public sealed class ExpressionTreeTests
{
    [Fact]
    public async Task AVariableReadOnlyInsideAnIQueryable_IsPartOfTheKey()
    {
        var db = new Db();
        using var t = new KeyTestRuntime(s => s.AddSingleton(db));

        async Task<string[]> ForTenant(string tenant)
        {
            var get = Function(async (int page) =>
            {
                db.Runs++;
                await Task.Yield();
                return db.Rows.Where(r => r.Item1 == tenant).Select(r => r.Item2).ToArray();
            });
            return await get(1);
        }

        Assert.Equal(["A1", "A2"], await ForTenant("acme"));
        Assert.Equal(["G1"], await ForTenant("globex"));
        Assert.Equal(["A1", "A2"], await ForTenant("acme"));
        Assert.Equal(2, db.Runs);
    }

    [Fact]
    public async Task AVariableReadOnlyInsideAnIEnumerableLambda_IsPartOfTheKey()
    {
        var db = new Db();
        using var t = new KeyTestRuntime(s => s.AddSingleton(db));

        async Task<string[]> ForTenant(string tenant)
        {
            var get = Function(async (int page) =>
            {
                db.Runs++;
                await Task.Yield();
                return db.List.Where(r => r.Item1 == tenant).Select(r => r.Item2).ToArray();
            });
            return await get(1);
        }

        Assert.Equal(["A1", "A2"], await ForTenant("acme"));
        Assert.Equal(["G1"], await ForTenant("globex"));
        Assert.Equal(["A1", "A2"], await ForTenant("acme"));
        Assert.Equal(2, db.Runs);
    }

    [Fact]
    public async Task AVariableReadByAQueryProviderThatTranslatesTheExpression_IsPartOfTheKey()
    {
        // Shaped like EF Core: the provider never runs the lambda; it pulls captured values out of the expression as
        // query parameters (ParameterExtractingExpressionVisitor) and sends "SQL".
        var store = new SqlStore();
        using var t = new KeyTestRuntime(s => s.AddSingleton(store));

        async Task<string[]> ForTenant(string tenant, int minimum)
        {
            var get = Function(async (string sort) =>
            {
                await Task.Yield();
                return store.Products.Where(p => p.Tenant == tenant && p.Stock >= minimum).Select(p => p.Name).ToArray();
            });
            return await get("name");
        }

        Assert.Equal(["A1", "A2"], await ForTenant("acme", 0));
        Assert.Equal(["G1"], await ForTenant("globex", 0));
        Assert.Equal(["A2"], await ForTenant("acme", 5));
        Assert.Equal(["A1", "A2"], await ForTenant("acme", 0));
        Assert.Equal(3, store.Commands.Count);
        Assert.Equal("tenant=globex, minimum=0", store.Commands[1]);
    }

    [Fact]
    public async Task ACapturedDataSourceThatIsNotRegistered_IsRefused_NamingTheVariable()
    {
        using var t = new TestRuntime();
        var db = new Db();
        var tenant = "acme";
        var get = Function(async (int page) =>
        {
            await Task.Yield();
            return db.Rows.Where(r => r.Item1 == tenant).Select(r => r.Item2).ToArray();
        });

        var error = await Assert.ThrowsAsync<CacheKeyException>(() => get(1));

        Assert.Equal("db", error.ParamName);
        Assert.StartsWith("Captured variable 'db' cannot be part of a cache key", error.Message, StringComparison.Ordinal);
        Assert.Contains("register it in the DI container", error.Message, StringComparison.Ordinal);
        Assert.Contains("CacheKeyPassThrough.Register", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The example: private rows behind a public IQueryable.</summary>
    public sealed class Db
    {
        private readonly (string, string)[] _rows = [("acme", "A1"), ("acme", "A2"), ("globex", "G1")];

        public int Runs;

        public IQueryable<(string, string)> Rows => _rows.AsQueryable();

        public IEnumerable<(string, string)> List => _rows;
    }

    public sealed record Product(string Tenant, string Name, int Stock);

    /// <summary>A data source whose query provider translates expressions into commands, as EF Core does.</summary>
    public sealed class SqlStore
    {
        private readonly Product[] _table = [new("acme", "A1", 1), new("acme", "A2", 9), new("globex", "G1", 3)];

        public List<string> Commands { get; } = [];

        public IQueryable<Product> Products => new Query<Product>(new Provider(this), null);

        private sealed class Provider(SqlStore store) : IQueryProvider
        {
            public IQueryable CreateQuery(Expression expression) => throw new NotSupportedException();

            public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new Query<TElement>(this, expression);

            public object? Execute(Expression expression) => throw new NotSupportedException();

            public TResult Execute<TResult>(Expression expression)
            {
                // Pull captured values out as parameters, then run the translated query over the table.
                var parameters = new ParameterExtractor();
                var translated = parameters.Visit(expression);
                store.Commands.Add(string.Join(", ", parameters.Values.Select(p => p.Name + "=" + p.Value)));
                var bound = new TableBinder(store._table.AsQueryable()).Visit(translated);
                return Expression.Lambda<Func<TResult>>(bound).Compile()();
            }
        }

        private sealed class ParameterExtractor : ExpressionVisitor
        {
            public List<(string Name, object? Value)> Values { get; } = [];

            protected override Expression VisitMember(MemberExpression node)
            {
                if (node.Expression is ConstantExpression { Value: { } closure } && node.Member is System.Reflection.FieldInfo field)
                {
                    var value = field.GetValue(closure);
                    Values.Add((field.Name, value));
                    return Expression.Constant(value, node.Type);
                }

                return base.VisitMember(node);
            }
        }

        private sealed class TableBinder(IQueryable<Product> table) : ExpressionVisitor
        {
            protected override Expression VisitConstant(ConstantExpression node) =>
                node.Value is Query<Product> { Own: null } ? Expression.Constant(table) : node;
        }

        private sealed class Query<T>(IQueryProvider provider, Expression? expression) : IQueryable<T>, IOrderedQueryable<T>
        {
            public Type ElementType => typeof(T);

            public Expression Expression => expression ?? Expression.Constant(this);

            public IQueryProvider Provider => provider;

            internal Expression? Own => expression;

            public IEnumerator<T> GetEnumerator() => provider.Execute<IEnumerable<T>>(Expression).GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
