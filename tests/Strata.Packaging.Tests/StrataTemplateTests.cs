using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Strata.Packaging.Tests;

/// <summary>
/// <c>dotnet new strata</c> from the packed Strata.Templates package (installed into a template hive of the run's own, so
/// the machine's templates are left as they were): built with warnings as errors, run, and checked: the cached page is
/// public and served from the cache, the [UseCache("remote")] service is cached, the server function answers, and the
/// page with the [UseClient] component (the .Client project) serves its prerendered markup, marked for WebAssembly.
/// </summary>
public sealed class StrataTemplateTests
{
    [Fact]
    public async Task DotnetNewStrata_BuildsAndRuns_WithACachedPage_ACachedService_AServerFunction_AndAClientComponent()
    {
        var feed = await LocalFeed.GetAsync();
        var hive = Path.Combine(LocalFeed.Root, "template-hive");
        await LocalFeed.RunAsync("dotnet", ["new", "install", Path.Combine(feed, $"Strata.Templates.{LocalFeed.Version}.nupkg"), "--debug:custom-hive", hive], LocalFeed.Root);
        var app = await LocalFeed.NewAppAsync("strata", "FromTemplate", "--debug:custom-hive", hive);

        await LocalFeed.RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", "-warnaserror"], app, TimeSpan.FromMinutes(6));

        var url = $"http://127.0.0.1:{LocalFeed.FreePort()}";
        var serverProject = Path.Combine(app, "FromTemplate");
        using var server = LocalFeed.Start("dotnet", [Path.Combine(serverProject, "bin", "Release", "net10.0", "FromTemplate.dll"), "--urls", url], serverProject, out var log,
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            await LocalFeed.WaitUntilListeningAsync(http, server, log);

            using var home = await http.GetAsync("/");
            var homeAgain = await http.GetStringAsync("/");
            var forecast = await http.GetStringAsync("/forecast");
            var forecastAgain = await http.GetStringAsync("/forecast");
            using var call = new HttpRequestMessage(HttpMethod.Post, "/greet") { Content = new StringContent("[\"Ada\"]", Encoding.UTF8, "application/json") };
            var greetPage = await http.GetStringAsync("/greet");
            call.Headers.Add("Strata-Action", Field(greetPage, "__strata_action"));
            call.Headers.Add("Origin", url);
            using var greeting = await http.SendAsync(call);

            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
            Assert.Equal("s-maxage=3600, stale-while-revalidate=82800", string.Join(", ", home.Headers.NonValidated["Cache-Control"]));
            Assert.Equal(Span(await home.Content.ReadAsStringAsync(), "rendered"), Span(homeAgain, "rendered")); // the page is cached
            Assert.Equal(Span(forecast, "computed"), Span(forecastAgain, "computed"));                            // the remote service is cached
            Assert.Equal(HttpStatusCode.OK, greeting.StatusCode);
            Assert.Equal("\"Hello, Ada!\"", await greeting.Content.ReadAsStringAsync());
            Assert.Equal("Not greeted yet", Span(greetPage, "greeter-result"));                                       // the client component is prerendered
            Assert.Contains("<!--Blazor:{\"type\":\"webassembly\"", greetPage, StringComparison.Ordinal);               // and marked to start on WebAssembly
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static string Span(string html, string id) =>
        Regex.Match(html, $"id=\"{id}\">([^<]+)<").Groups[1].Value is { Length: > 0 } value ? value : throw new Xunit.Sdk.XunitException($"no #{id} in:\n{html}");

    private static string Field(string html, string name) =>
        Regex.Match(html, $"name=\"{name}\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } value ? value : throw new Xunit.Sdk.XunitException($"no {name} in:\n{html}");
}
