using System.Text;
using Strata.AspNetCore.Tests.Support;

namespace Strata.AspNetCore.Tests;

public sealed class StreamingTests
{
    [Fact]
    public async Task StreamRenderingPage_SendsTheFallbackFirst_ThenTheCachedComponent()
    {
        using var app = new TestAppFactory();
        var client = app.CreateClient();

        using var response = await client.GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received.ToString().Contains("id=\"fallback\"", StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        var beforeRelease = received.ToString();
        app.Probe.StreamGate.SetResult();
        using var reader = new StreamReader(body);
        var rest = await reader.ReadToEndAsync(timeout.Token);

        Assert.DoesNotContain("Hello streamed", beforeRelease, StringComparison.Ordinal);
        Assert.Contains("<blazor-ssr>", rest, StringComparison.Ordinal);
        Assert.Contains("Hello streamed (1), render #1", rest, StringComparison.Ordinal);
    }
}
