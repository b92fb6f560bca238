using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using static Strata.Cache;

namespace Strata.AspNetCore.Tests.TestApp;

/// <summary>Every server function run, with its arguments: the side effect tests assert on (or assert did not happen).</summary>
public sealed class Ledger
{
    private readonly ConcurrentQueue<string> _runs = new();

    private int _invalid;

    public IReadOnlyList<string> Runs => _runs.ToArray();

    /// <summary>How many runs saw a value their declaration forbids (null for a non-nullable parameter).</summary>
    public int InvalidRuns => Volatile.Read(ref _invalid);

    public void RecordInvalid() => Interlocked.Increment(ref _invalid);

    public void Record(string run) => _runs.Enqueue(run);
}

/// <summary>An account as server functions take and return it.</summary>
public sealed record Account(string Name, int Age, IReadOnlyList<string>? Tags = null);

/// <summary>Static server functions (the class-level form: every public method is one).</summary>
[UseServer]
public static class Greetings
{
    public static Task<string> Hello(string name) => Task.FromResult("Hello, " + name);

    public static Task<int> Add(int a, int b, CancellationToken cancellationToken) => Task.FromResult(a + b);

    /// <summary>The digits in the order given: a test sees the arguments' order.</summary>
    public static Task<int> Digits(int a, int b, int c, int d, int e) => Task.FromResult((a * 10000) + (b * 1000) + (c * 100) + (d * 10) + e);
}

/// <summary>Server functions of a class resolved from the request's services.</summary>
[UseServer]
public sealed class Accounts(Ledger ledger, ProductStore store)
{
    public Task<Account> Create(string name, int age, Account? referrer)
    {
        if (name is null || (referrer is not null && referrer.Name is null))
        {
            ledger.RecordInvalid();
        }

        ledger.Record($"Create({name},{age},{referrer?.Name})");
        return Task.FromResult(new Account(name!, age)); // checked above: a null here is counted as an invalid run
    }

    public async Task Rename(int id, FormData form)
    {
        var name = form.Get("name") ?? throw new ArgumentException("The form has no name.");
        ledger.Record($"Rename({id},{name})");
        store.Rename(id, name);
        await UpdateTag("product-" + id);
    }

    public Task Restock(int id, FormData form)
    {
        if (form is null || id != 7 && id != 2)
        {
            ledger.RecordInvalid();
        }

        ledger.Record($"Restock({id},{form?.Get("stock")})");
        return Task.CompletedTask;
    }

    public Task Fail(string message)
    {
        ledger.Record($"Fail({message})");
        throw new InvalidOperationException(message);
    }

    public Task GoTo(string path)
    {
        ledger.Record($"GoTo({path})");
        Redirect(path);
        return Task.CompletedTask;
    }

    public Task Remember(string name)
    {
        ledger.Record($"Remember({name})");
        Cookies().Set("name", name);
        return Task.CompletedTask;
    }

    [Authorize]
    public Task<string> Secret()
    {
        ledger.Record("Secret");
        return Task.FromResult("secret");
    }

    [Authorize(Roles = "admin")]
    public Task AdminOnly()
    {
        ledger.Record("AdminOnly");
        return Task.CompletedTask;
    }
}

/// <summary>A test scheme: the user named by the X-Test-User header, with the roles of X-Test-Roles.</summary>
public sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers["X-Test-User"].ToString();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, user) };
        claims.AddRange(Request.Headers["X-Test-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }
}
