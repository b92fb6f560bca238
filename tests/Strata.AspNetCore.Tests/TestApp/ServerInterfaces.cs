using Microsoft.AspNetCore.Authorization;

namespace Strata.AspNetCore.Tests.TestApp;

/// <summary>A [UseServer] interface (as a .Client project declares it): client code injects it and calls the server.</summary>
[UseServer]
public interface INotes
{
    Task<Account> Describe(string name, int age, CancellationToken cancellationToken);

    Task Explode(string message);

    ValueTask<string> Whisper();
}

/// <summary>
/// The server's implementation: registered by Strata for <see cref="INotes"/>, its [Authorize] applies to calls. It is a
/// [UseServer] class too (as the Storefront's MemberActions), so each method is also a server function of its own.
/// </summary>
[UseServer]
public sealed class Notes(Ledger ledger) : INotes
{
    public Task<Account> Describe(string name, int age, CancellationToken cancellationToken)
    {
        ledger.Record($"Describe({name},{age})");
        return Task.FromResult(new Account(name, age));
    }

    public Task Explode(string message)
    {
        ledger.Record($"Explode({message})");
        throw new InvalidOperationException(message);
    }

    [Authorize]
    public ValueTask<string> Whisper()
    {
        ledger.Record("Whisper");
        return ValueTask.FromResult("psst");
    }
}
