namespace Storefront.Data;

/// <summary>A member who signed up (the seed's <c>createUser</c>). Here because client components receive it too.</summary>
public sealed record Member(int Id, string Name, string Email);

/// <summary>A blog post of the shop (the seed's <c>EditPost</c>).</summary>
public sealed record Post(int Id, string Title, int Revision);
