namespace Strata;

/// <summary>
/// <c>'use server'</c>: marks a public async method as a server function, callable from forms (<c>ServerForm</c>), by
/// fetch and from client components; on a class, every public method is one. Static methods, or instance methods of a
/// class resolved from the request's services. Strata's source generator registers each with an unguessable action id;
/// its analyzers check the rules (STRATA040-043) and report it together with <c>[UseCache]</c> (STRATA014). See
/// docs/use-server.md.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class UseServerAttribute : Attribute
{
}
