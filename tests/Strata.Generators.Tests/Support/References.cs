using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Strata.Generators.Tests.Support;

/// <summary>
/// What test compilations reference: the .NET and ASP.NET Core assemblies this test process runs on (so no reference
/// pack is downloaded) and Strata itself.
/// </summary>
internal static class References
{
    public static ImmutableArray<MetadataReference> All { get; } = Load();

    /// <summary>No reference package: the assemblies come from <see cref="All"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    private static ImmutableArray<MetadataReference> Load()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths
            .Where(p =>
            {
                var name = Path.GetFileName(p);
                return name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll" or "Strata.dll" or "Strata.Abstractions.dll"
                    || name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)
                    || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
                    || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal);
            })
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
