using System.Net;
using System.Text.RegularExpressions;

namespace Strata.Packaging.Tests;

/// <summary>A fresh <c>dotnet new blazor</c> app that follows the getting-started page, consuming the packages by name.</summary>
public sealed class BlazorTemplateTests
{
    [Fact]
    public async Task FreshBlazorApp_WithThePackage_GetsAPublicCachedPage()
    {
        var app = await LocalFeed.NewAppAsync("blazor", "FirstHourBlazor");
        await LocalFeed.RunAsync("dotnet", ["add", "package", "Strata.AspNetCore", "--version", LocalFeed.Version, "--no-restore"], app);

        // docs/web/start-from-dotnet-new-blazor.md: two lines in Program.cs, the directives in _Imports.razor, Error.razor dynamic, a cached page.
        var program = Path.Combine(app, "Program.cs");
        var code = await File.ReadAllTextAsync(program);
        code = code.Replace("var app = builder.Build();", "builder.Services.AddStrata().AddAspNetCore();\n\nvar app = builder.Build();", StringComparison.Ordinal)
                   .Replace("app.UseAntiforgery();", "app.UseStrata();\napp.UseAntiforgery();", StringComparison.Ordinal);
        Assert.Contains("app.UseStrata();", code, StringComparison.Ordinal);
        await File.WriteAllTextAsync(program, code);
        await File.AppendAllTextAsync(Path.Combine(app, "Components", "_Imports.razor"), "@using Strata\n@using static Strata.Cache\n");
        var error = Path.Combine(app, "Components", "Pages", "Error.razor"); // it reads the HttpContext: rendered per request (STRATA070 otherwise)
        var errorPage = await File.ReadAllTextAsync(error);
        Assert.Contains("@page \"/Error\"", errorPage, StringComparison.Ordinal);
        await File.WriteAllTextAsync(error, errorPage.Replace("@page \"/Error\"", "@page \"/Error\"\n@attribute [Strata.AspNetCore.ForceDynamic]", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(app, "Components", "Pages", "Cached.razor"), """
            @page "/cached"
            @attribute [UseCache]
            <p id="stamp">@_stamp</p>
            @code {
                private string? _stamp;

                protected override void OnInitialized()
                {
                    CacheLife("hours");
                    _stamp = Guid.NewGuid().ToString("N");
                }
            }
            """);

        await LocalFeed.RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", "-warnaserror"], app);

        var port = LocalFeed.FreePort();
        var url = $"http://127.0.0.1:{port}";
        using var server = LocalFeed.Start("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "FirstHourBlazor.dll"), "--urls", url], app, out var log,
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            await LocalFeed.WaitUntilListeningAsync(http, server, log);

            using var first = await http.GetAsync("/cached");
            using var second = await http.GetAsync("/cached");
            var firstBody = await first.Content.ReadAsStringAsync();
            using var interactive = await http.GetAsync("/counter"); // the template's InteractiveServer page still prerenders

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(Stamp(firstBody), Stamp(await second.Content.ReadAsStringAsync())); // the page is cached
            Assert.Equal("s-maxage=3600, stale-while-revalidate=82800", CacheControl(second) + Reason(second));
            Assert.Equal(HttpStatusCode.OK, interactive.StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static string Stamp(string html) => Regex.Match(html, "id=\"stamp\">([0-9a-f]{32})<").Groups[1].Value is { Length: 32 } stamp ? stamp : throw new Xunit.Sdk.XunitException("no stamp in:\n" + html);

    private static string CacheControl(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Cache-Control", out var values) ? string.Join(", ", values) : "";

    private static string Reason(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-strata-private-reason", out var values) ? " (private because " + string.Join(", ", values) + ")" : "";
}
