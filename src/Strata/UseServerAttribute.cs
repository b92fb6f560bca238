namespace Strata;

/// <summary>
/// <c>'use server'</c>: marks a method or class as a server function, callable from forms, client components and
/// JavaScript. Server functions arrive in a later release of Strata: today the attribute is only a marker, and Strata's
/// analyzers report it together with <c>[UseCache]</c> on one method or class (the two directives conflict, as in Next.js).
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class UseServerAttribute : Attribute
{
}
