namespace Strata.Redis.Tests.Support;

/// <summary>
/// The tests run on a 2-core machine shared with other builds, where a loopback round trip can exceed the 250 ms default
/// operation timeout and would count as an outage. Tests that are not about outages give Redis more time; the outage
/// tests kill or freeze the server, which no timeout hides.
/// </summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Operation = TimeSpan.FromSeconds(5);
}
