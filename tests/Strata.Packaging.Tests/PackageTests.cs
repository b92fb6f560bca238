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
        if (id == "Strata")
        {
            Assert.NotNull(zip.GetEntry("analyzers/dotnet/cs/Strata.Generators.dll")); // the generator and analyzers ship inside
        }
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
