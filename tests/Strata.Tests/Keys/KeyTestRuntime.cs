using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Strata.Tests.Support;

namespace Strata.Tests.Keys;

/// <summary>A runtime that belongs to a DI container (as <c>AddStrata()</c> makes it), made current for the test's flow.</summary>
internal sealed class KeyTestRuntime : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly IDisposable _use;

    public KeyTestRuntime(Action<IServiceCollection> register)
    {
        var collection = new ServiceCollection();
        register(collection);
        _services = collection.BuildServiceProvider();
        Time = TestRuntime.NewClock();
        Runtime = new CacheRuntime(new StrataOptions { BuildId = "test-" + Guid.NewGuid().ToString("N") }, timeProvider: Time, services: _services);
        _use = Runtime.Use();
    }

    public FakeTimeProvider Time { get; }

    public CacheRuntime Runtime { get; }

    public IServiceProvider Services => _services;

    public void Dispose()
    {
        _use.Dispose();
        _services.Dispose();
    }
}
