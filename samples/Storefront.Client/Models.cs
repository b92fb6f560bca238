namespace Storefront.Data;

/// <summary>A member who signed up (the seed's <c>createUser</c>). Here because client components receive it too.</summary>
public sealed record Member(int Id, string Name, string Email);

/// <summary>A blog post of the shop (the seed's <c>EditPost</c>).</summary>
public sealed record Post(int Id, string Title, int Revision);

/// <summary>
/// The seed's <c>actions.ts</c> as client code sees it ('use server' at the top of a module that a client component
/// imports): every method is a server function. The server's <c>MemberActions</c> implements it; in the browser a client
/// component that injects it gets a generated proxy that calls the server.
/// </summary>
[Strata.UseServer]
public interface IMemberActions
{
    /// <summary>The seed's <c>fetchUsers</c>: every member, in sign-up order.</summary>
    /// <returns>The members.</returns>
    Task<IReadOnlyList<Member>> FetchUsers();
}
