namespace Strata.AspNetCore.Tests.TestApp;

/// <summary>Data a cached component passes to a client component (ClientCounter.razor).</summary>
public sealed record ClientItem(string Name, decimal Price);
