using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Smoke()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        var r1 = await client.GetAsync("/greet/ann/1");
        var b1 = await r1.Content.ReadAsStringAsync();
        var r2 = await client.GetAsync("/greet/ann/1");
        var b2 = await r2.Content.ReadAsStringAsync();
        var r3 = await client.GetAsync("/frame/t");
        var b3 = await r3.Content.ReadAsStringAsync();
        var r4 = await client.GetAsync("/frame/t");
        var b4 = await r4.Content.ReadAsStringAsync();
        Assert.Fail(string.Join("\n-----\n", b1, r1.Headers.ToString(), b2, r2.Headers, b3, b4));
    }
}
