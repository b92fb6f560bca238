using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>The types Strata's rules look at, resolved once per compilation (missing ones are null).</summary>
internal sealed class StrataSymbols
{
    public const string UseCacheAttributeName = "Strata.UseCacheAttribute";
    public const string UseServerAttributeName = "Strata.UseServerAttribute";

    private StrataSymbols(Compilation compilation)
    {
        Compilation = compilation;
        UseCache = compilation.GetTypeByMetadataName(UseCacheAttributeName);
        UseServer = compilation.GetTypeByMetadataName(UseServerAttributeName);
        Cache = compilation.GetTypeByMetadataName("Strata.Cache");
        ServerProxies = compilation.GetTypeByMetadataName("Strata.Client.ServerProxies");
        ServerFunctions = compilation.GetTypeByMetadataName("Strata.Generated.ServerFunctions");
        FormData = compilation.GetTypeByMetadataName("Strata.FormData");
        CacheRuntime = compilation.GetTypeByMetadataName("Strata.CacheRuntime");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Component = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.IComponent");
        RenderFragment = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.RenderFragment");
        RenderFragmentOfT = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.RenderFragment`1");
        SupplyParameterFromQuery = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.SupplyParameterFromQueryAttribute");
        HttpContext = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.HttpContext");
        HttpContextAccessor = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.IHttpContextAccessor");
        ImmutableObject = compilation.GetTypeByMetadataName("System.ComponentModel.ImmutableObjectAttribute");
        Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
        MemberInfo = compilation.GetTypeByMetadataName("System.Reflection.MemberInfo");
        Assembly = compilation.GetTypeByMetadataName("System.Reflection.Assembly");
        Module = compilation.GetTypeByMetadataName("System.Reflection.Module");
        Queryable = compilation.GetTypeByMetadataName("System.Linq.IQueryable");
        Disposable = compilation.GetTypeByMetadataName("System.IDisposable");
        AsyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
        Enumerable = compilation.GetTypeByMetadataName("System.Collections.IEnumerable");
        Collection = compilation.GetTypeByMetadataName("System.Collections.ICollection");
        Dictionary = compilation.GetTypeByMetadataName("System.Collections.IDictionary");
        CollectionOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.ICollection`1");
        ReadOnlyCollectionOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyCollection`1");
        DictionaryOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2");
        ReadOnlyDictionaryOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
        SetOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.ISet`1");
        ReadOnlySetOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlySet`1");
        KeyValuePair = compilation.GetTypeByMetadataName("System.Collections.Generic.KeyValuePair`2");
        Uri = compilation.GetTypeByMetadataName("System.Uri");
        ReadOnlyMemory = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        Memory = compilation.GetTypeByMetadataName("System.Memory`1");
        ArraySegment = compilation.GetTypeByMetadataName("System.ArraySegment`1");
        SimpleTypes = new HashSet<ITypeSymbol>(
            new[]
            {
                "System.Int128", "System.UInt128", "System.Half", "System.Numerics.BigInteger", "System.Guid", "System.DateTimeOffset",
                "System.DateOnly", "System.TimeOnly", "System.TimeSpan", "System.Version",
            }.Select(compilation.GetTypeByMetadataName).Where(t => t is not null)!,
            SymbolEqualityComparer.Default);
        CanonicalKeyTypes = TypesNamed(compilation, new[] { "System.Globalization.CultureInfo", "System.Globalization.RegionInfo", "System.TimeZoneInfo" });
        Encoding = compilation.GetTypeByMetadataName("System.Text.Encoding");
        RequestStateTypes = TypesNamed(compilation, KeyTypeNames.RequestState);
        InfrastructureTypes = TypesNamed(compilation, KeyTypeNames.Infrastructure);
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? UseCache { get; }

    public INamedTypeSymbol? UseServer { get; }

    public INamedTypeSymbol? Cache { get; }

    /// <summary>Strata.Client's registry of [UseServer] interface proxies: present where the browser's code is compiled.</summary>
    public INamedTypeSymbol? ServerProxies { get; }

    /// <summary>Strata's registry of server functions: present where the server's code is compiled.</summary>
    public INamedTypeSymbol? ServerFunctions { get; }

    public INamedTypeSymbol? FormData { get; }

    public INamedTypeSymbol? CacheRuntime { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Component { get; }

    public INamedTypeSymbol? RenderFragment { get; }

    public INamedTypeSymbol? RenderFragmentOfT { get; }

    public INamedTypeSymbol? SupplyParameterFromQuery { get; }

    public INamedTypeSymbol? HttpContext { get; }

    public INamedTypeSymbol? HttpContextAccessor { get; }

    public INamedTypeSymbol? ImmutableObject { get; }

    public INamedTypeSymbol? Stream { get; }

    public INamedTypeSymbol? MemberInfo { get; }

    public INamedTypeSymbol? Assembly { get; }

    public INamedTypeSymbol? Module { get; }

    public INamedTypeSymbol? Queryable { get; }

    public INamedTypeSymbol? Disposable { get; }

    public INamedTypeSymbol? AsyncDisposable { get; }

    public INamedTypeSymbol? Enumerable { get; }

    public INamedTypeSymbol? Collection { get; }

    public INamedTypeSymbol? Dictionary { get; }

    public INamedTypeSymbol? CollectionOfT { get; }

    public INamedTypeSymbol? ReadOnlyCollectionOfT { get; }

    public INamedTypeSymbol? DictionaryOfT { get; }

    public INamedTypeSymbol? ReadOnlyDictionaryOfT { get; }

    public INamedTypeSymbol? SetOfT { get; }

    public INamedTypeSymbol? ReadOnlySetOfT { get; }

    public INamedTypeSymbol? KeyValuePair { get; }

    public INamedTypeSymbol? Uri { get; }

    public INamedTypeSymbol? ReadOnlyMemory { get; }

    public INamedTypeSymbol? Memory { get; }

    public INamedTypeSymbol? ArraySegment { get; }

    public HashSet<ITypeSymbol> SimpleTypes { get; }

    /// <summary>Types the key encoder writes by a canonical form (a culture by name, a time zone by id and rules); not immutable results.</summary>
    public HashSet<ITypeSymbol> CanonicalKeyTypes { get; }

    public INamedTypeSymbol? Encoding { get; }

    /// <summary>Request state (HttpContext, ClaimsPrincipal...): never plain data, never infrastructure.</summary>
    public HashSet<ITypeSymbol> RequestStateTypes { get; }

    /// <summary>The framework services a cached lambda may capture (loggers, options, IServiceProvider, DbContext...).</summary>
    public HashSet<ITypeSymbol> InfrastructureTypes { get; }

    public static StrataSymbols Create(Compilation compilation) => new(compilation);

    /// <summary>Whether the type is, derives from or implements one of <paramref name="types"/> (generic definitions match any construction).</summary>
    public static bool IsAnyOf(ITypeSymbol type, HashSet<ITypeSymbol> types)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (types.Contains(t.OriginalDefinition))
            {
                return true;
            }
        }

        return type.AllInterfaces.Any(i => types.Contains(i.OriginalDefinition));
    }

    private static HashSet<ITypeSymbol> TypesNamed(Compilation compilation, IEnumerable<string> names) =>
        new(names.Select(compilation.GetTypeByMetadataName).Where(t => t is not null)!, SymbolEqualityComparer.Default);

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        expected is not null && type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

    /// <summary>Whether <paramref name="type"/> is, derives from or implements <paramref name="baseType"/> (generic definitions match any construction).</summary>
    public static bool InheritsOrImplements(ITypeSymbol type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (var t = type; t is not null; t = t.BaseType)
        {
            if (Is(t, baseType))
            {
                return true;
            }
        }

        return type.AllInterfaces.Any(i => Is(i, baseType));
    }

    /// <summary>The construction of <paramref name="definition"/> that <paramref name="type"/> is or implements, if any.</summary>
    public static INamedTypeSymbol? FindConstruction(ITypeSymbol type, INamedTypeSymbol? definition)
    {
        if (definition is null)
        {
            return null;
        }

        if (type is INamedTypeSymbol named && Is(named, definition))
        {
            return named;
        }

        return type.AllInterfaces.FirstOrDefault(i => Is(i, definition));
    }

    public AttributeData? UseCacheOf(ISymbol symbol) =>
        UseCache is null ? null : symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, UseCache));

    public AttributeData? UseServerOf(ISymbol symbol) =>
        UseServer is null ? null : symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, UseServer));

    public bool IsComponent(ITypeSymbol type) => Component is not null && InheritsOrImplements(type, Component);
}
