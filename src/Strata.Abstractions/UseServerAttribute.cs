namespace Strata;

/// <summary>
/// <c>'use server'</c>: marks a public async method as a server function, callable from forms (<c>ServerForm</c>), by
/// fetch and from client components; on a class, every public method is one. Static methods, or instance methods of a
/// class resolved from the request's services. Strata's source generator registers each with an unguessable action id;
/// its analyzers check the rules (STRATA040-043) and report it together with <c>[UseCache]</c> (STRATA014).
/// On an interface declared where the browser can see it (the <c>.Client</c> project), every method is a server function
/// that client code imports by injecting the interface: the generator writes a proxy that calls the server, and the
/// server's class that implements the interface runs the call (STRATA055-059 check the methods). See docs/use-server.md
/// and docs/use-client.md.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class UseServerAttribute : Attribute
{
}
