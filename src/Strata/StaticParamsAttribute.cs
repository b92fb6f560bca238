namespace Strata;

/// <summary>
/// <c>generateStaticParams</c>: marks a static method of a routable Razor component (a page with <c>@page</c> routes that
/// have parameters) that lists the parameter values whose pages are prerendered into static shells after start-up. It
/// returns <c>IEnumerable&lt;T&gt;</c>, <c>IAsyncEnumerable&lt;T&gt;</c>, or a <c>Task</c>/<c>ValueTask</c> of an
/// <c>IEnumerable&lt;T&gt;</c>, where <c>T</c> is the value of the route's only parameter (<c>int</c>, <c>string</c>...) or an
/// object whose public properties name the route's parameters (<c>new { Category = "books", Id = 1 }</c>, a record). Its
/// parameters are services (resolved from a scope of the application's services) or a <c>CancellationToken</c>. A value
/// not listed is rendered on demand, then prerendered too. Strata's analyzers check the shape (STRATA075-079). See
/// docs/web/static-shell.md#route-parameters-staticparams.
/// </summary>
/// <example>
/// <code>
/// @page "/posts/{id:int}"
/// @code {
///     [Parameter] public int Id { get; set; }
///
///     [StaticParams]
///     public static async Task&lt;IEnumerable&lt;int&gt;&gt; Ids(BlogStore blog) =&gt; await blog.PublishedIdsAsync();
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class StaticParamsAttribute : Attribute
{
}
