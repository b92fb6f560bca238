using System.IO.Compression;
using System.Xml.Linq;

namespace Strata.Packaging.Tests;

public sealed class PackageTests
{
    [Theory]
    [InlineData("Strata")]
    [InlineData("Strata.AspNetCore")]
    [InlineData("Strata.Redis")]
    [InlineData("Strata.Client")]
    [InlineData("Strata.DistributedCache")]
    [InlineData("Strata.Abstractions")]
    public async Task EveryPackage_HasItsMetadata_AReadme_AnIcon_AndASymbolsPackage(string id)
    {
        var feed = await LocalFeed.GetAsync();
        var package = Path.Combine(feed, $"{id}.{LocalFeed.Version}.nupkg");

        using var zip = ZipFile.OpenRead(package);
        var nuspec = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open()).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => nuspec.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("MIT", Value("license"));
        Assert.StartsWith("https://", Value("projectUrl"), StringComparison.Ordinal);
        Assert.Equal("README.md", Value("readme"));
        Assert.Equal("icon.png", Value("icon"));
        Assert.False(string.IsNullOrWhiteSpace(Value("releaseNotes")));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.NotNull(nuspec.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url"));
        Assert.NotNull(zip.GetEntry("README.md"));
        Assert.NotNull(zip.GetEntry("icon.png"));
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{id} has no symbols package");
        if (id == "Strata.Abstractions")
        {
            Assert.NotNull(zip.GetEntry("analyzers/dotnet/cs/Strata.Generators.dll")); // the generator and analyzers ship inside
        }
    }

    [Theory]
    [InlineData("Strata")]
    [InlineData("Strata.Client")]
    public async Task ThePackagesAppsReference_BringTheGeneratorAlong_ThroughOneStrataAbstractionsDependency(string id)
    {
        // A server project (Strata) and its .Client project (Strata.Client: the proxies of [UseServer] interfaces) both get
        // the generator from the one Strata.Abstractions package, so it runs once per project. A dependency that excludes
        // analyzers (NuGet's default for a reference's private assets) would leave the .Client project without proxies.
        var feed = await LocalFeed.GetAsync();
        using var zip = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{LocalFeed.Version}.nupkg"));
        var dependency = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open()).Descendants()
            .Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Strata.Abstractions");
        var excluded = ((string?)dependency.Attribute("exclude") ?? "").Split(',', StringSplitOptions.TrimEntries);
        var included = ((string?)dependency.Attribute("include") ?? "All").Split(',', StringSplitOptions.TrimEntries);

        Assert.DoesNotContain("Analyzers", excluded, StringComparer.OrdinalIgnoreCase);
        Assert.True(included.Contains("All", StringComparer.OrdinalIgnoreCase) || included.Contains("Analyzers", StringComparer.OrdinalIgnoreCase), $"{id} depends on Strata.Abstractions with include=\"{string.Join(',', included)}\"");
        Assert.Null(zip.GetEntry("analyzers/dotnet/cs/Strata.Generators.dll")); // one copy: two would run the generator twice
    }

    [Theory]
    [InlineData("Strata.DistributedCache", "StackExchange.Redis")]
    [InlineData("Strata", "StackExchange.Redis")]
    [InlineData("Strata.Redis", "Microsoft.Extensions.Caching.Abstractions")]
    public async Task APackage_DoesNotPullWhatItDoesNotUse(string id, string dependency)
    {
        // SQL Server and PostgreSQL users of the IDistributedCache handler get no Redis client.
        var feed = await LocalFeed.GetAsync();
        using var zip = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{LocalFeed.Version}.nupkg"));
        var nuspec = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open());
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();

        Assert.Contains(id == "Strata" ? "System.IO.Hashing" : "Strata", dependencies);
        Assert.DoesNotContain(dependency, dependencies);
    }
}
