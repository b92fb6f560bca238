using System.Reflection;

namespace Strata.Tests.Configuration;

/// <summary>
/// <c>Strata.</c> in IntelliSense shows what applications write: what only generated code calls lives in
/// <c>Strata.Generated</c> (docs/decisions/0007-first-hour.md).
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly string[] GeneratedCodePlumbing =
    [
        "CacheFunction", "CacheKeyBuilder", "CacheKinds", "CacheRuntimeCalls", "ServerFunction", "ServerFunctionInvoker",
        "ServerParameter", "ServerParameterSource", "ServerArguments",
    ];

    [Fact]
    public void GeneratedCodePlumbing_IsInStrataGenerated_NotInTheRootNamespace()
    {
        var exported = typeof(CacheRuntime).Assembly.GetExportedTypes();

        var inRoot = exported.Where(t => t.Namespace == "Strata" && GeneratedCodePlumbing.Contains(t.Name)).Select(t => t.Name).ToArray();
        var inGenerated = exported.Where(t => t.Namespace == "Strata.Generated").Select(t => t.Name).ToHashSet();

        Assert.Empty(inRoot);
        Assert.Superset(GeneratedCodePlumbing.ToHashSet(), inGenerated);
    }

    [Fact]
    public void CacheRuntime_ShowsNoGeneratedCallMethods()
    {
        var methods = typeof(CacheRuntime).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Select(m => m.Name).ToHashSet();

        Assert.DoesNotContain(methods, m => m is "RunAsync" or "RunTaskAsync" or "TryGetFromFront" or "TryGetValueFromFront" or "RunMethodAsync" or "RunMethodTaskAsync");
        Assert.Contains("RevalidateTagAsync", methods);
    }
}
