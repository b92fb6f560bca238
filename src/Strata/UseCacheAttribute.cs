namespace Strata;

/// <summary>
/// <c>'use cache'</c>: on a <c>virtual</c> async method (<see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/>)
/// of a class resolved from dependency injection, caches its results by its arguments; on a class, caches every public
/// method (each must be async and virtual); on a Razor component, page or layout (<c>@attribute [UseCache]</c>), caches
/// its HTML by its parameters. Strata's source generator writes the caching subclass; <c>AddStrata()</c> registers it.
/// </summary>
/// <remarks>
/// <c>[UseCache]</c> is <c>'use cache'</c> (the <c>default</c> kind, in memory); <c>[UseCache("remote")]</c> is
/// <c>'use cache: remote'</c>; <c>[UseCache("private")]</c> is <c>'use cache: private'</c> (never stored on the server);
/// any other name is a custom kind that needs a handler registered with <c>AddCacheHandler</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class UseCacheAttribute : Attribute
{
    /// <summary><c>'use cache'</c>: the <c>default</c> kind.</summary>
    public UseCacheAttribute()
        : this(StrataDefaults.DefaultKind)
    {
    }

    /// <summary><c>'use cache: kind'</c>.</summary>
    /// <param name="kind">The cache kind: <c>default</c>, <c>remote</c>, <c>private</c> or a custom one (lowercase letters and dashes).</param>
    public UseCacheAttribute(string kind)
    {
        Kind = kind;
    }

    /// <summary>The cache kind.</summary>
    public string Kind { get; }
}
