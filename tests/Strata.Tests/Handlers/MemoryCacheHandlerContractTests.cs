namespace Strata.Tests.Handlers;

/// <summary>The contract, run against the default in-memory handler.</summary>
public sealed class MemoryCacheHandlerContractTests : CacheHandlerContractTests
{
    protected override Task<ICacheHandler> CreateHandlerAsync() => Task.FromResult<ICacheHandler>(new MemoryCacheHandler(timeProvider: Time));
}
