using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.AspNetCore.Components;

/// <summary>
/// What Strata knows about a component type, worked out once: whether it is <c>[UseCache]</c>, whether its output depends
/// on request data the engine cannot see (query or form binding, the HttpContext, antiforgery tokens, authorization), and
/// how to create it (constructor injection, as Blazor's default activator does).
/// </summary>
internal sealed class ComponentTypeInfo
{
    private static readonly ConcurrentDictionary<Type, ComponentTypeInfo> Cache = new();

    private static readonly string[] RequestDataTypes =
    [
        "Microsoft.AspNetCore.Components.Forms.AntiforgeryToken",
        "Microsoft.AspNetCore.Components.Authorization.AuthorizeViewCore",
        "Microsoft.AspNetCore.Components.Authorization.AuthorizeRouteView",
        "Microsoft.AspNetCore.Components.Authorization.CascadingAuthenticationState",
    ];

    /// <summary>
    /// Framework components that take the HttpContext as a cascading parameter only to read the endpoint's metadata, which
    /// is the same for every request to the endpoint: <c>ImportMap</c> (in every .NET 10 Blazor template's App.razor).
    /// </summary>
    private static readonly string[] EndpointMetadataReaders =
    [
        "Microsoft.AspNetCore.Components.ImportMap",
    ];

    private readonly ObjectFactory _factory;
    private readonly string?[] _formNames;
    private CachedComponentType? _cached;

    private ComponentTypeInfo(Type type)
    {
        Type = type;
        UseCache = type.GetCustomAttribute<UseCacheAttribute>(inherit: false);
        RequestDataReason = FindRequestData(type);
        IsSection = IsNamed(type, "Microsoft.AspNetCore.Components.Sections.SectionContent");
        RunsAgain = ComponentLifecycle.CanRunAgain(type);
        UncachedWorkReason = FindUncachedWork(type, UseCache, RunsAgain);
        _formNames = [.. Properties(type).Select(p => p.GetCustomAttribute<SupplyParameterFromFormAttribute>()).OfType<SupplyParameterFromFormAttribute>().Select(a => a.FormName)];
        _factory = ActivatorUtilities.CreateFactory(type, Type.EmptyTypes);
    }

    public Type Type { get; }

    public UseCacheAttribute? UseCache { get; }

    /// <summary>Why instances read request data (e.g. "binds [SupplyParameterFromQuery] 'Page'"), or <see langword="null"/>.</summary>
    public string? RequestDataReason { get; }

    /// <summary>Whether it renders into another part of the page (PageTitle, HeadContent, SectionContent).</summary>
    public bool IsSection { get; }

    /// <summary>Whether instances run their lifecycle again when the page of a form post is refreshed (see <see cref="ComponentLifecycle.CanRunAgain"/>).</summary>
    public bool RunsAgain { get; }

    /// <summary>
    /// Why instances may read data that no cache tracks, so that a page rendering them outside a cached component cannot be
    /// prerendered into a static shell (e.g. "injects ProductStore as 'Store'"); <see langword="null"/> for ASP.NET Core's own
    /// components, <c>[UseCache]</c> components and components that only render their parameters.
    /// </summary>
    public string? UncachedWorkReason { get; }

    public string Name => ReadableName(Type);

    /// <summary>The cached-component descriptor; validated on first use (the errors name the offending parameter).</summary>
    public CachedComponentType Cached => _cached ??= new CachedComponentType(this);

    public static ComponentTypeInfo Get(Type type) => Cache.TryGetValue(type, out var info) ? info : Cache.GetOrAdd(type, static t => new ComponentTypeInfo(t));

    /// <summary>Forgets every type (hot reload: <see cref="ComponentHotReload"/>).</summary>
    public static void ClearAll() => Cache.Clear();

    public IComponent Create(IServiceProvider services) => (IComponent)_factory(services, []);

    /// <summary>
    /// Whether instances receive the values of the posted form <paramref name="formName"/> (without its mapping scope): a
    /// <c>[SupplyParameterFromForm]</c> property for that form, or for any form (no <c>FormName</c>), as Blazor binds them.
    /// </summary>
    public bool ReceivesForm(string formName) =>
        formName.Length > 0 && Array.Exists(_formNames, name => name is null || name == formName);

    public static string ReadableName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", type.GetGenericArguments().Select(ReadableName)) + ">";
    }

    internal static IEnumerable<PropertyInfo> Properties(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var property in t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                yield return property;
            }
        }
    }

    private static string? FindRequestData(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            if (t.FullName is { } name && Array.IndexOf(RequestDataTypes, name) >= 0)
            {
                return name.EndsWith("AntiforgeryToken", StringComparison.Ordinal)
                    ? "renders an antiforgery token for a form (a token per visitor)"
                    : "renders content that depends on the signed-in user";
            }
        }

        foreach (var property in Properties(type))
        {
            foreach (var attribute in property.GetCustomAttributes(inherit: true))
            {
                var attributeType = attribute.GetType();
                if (attributeType.Name is "SupplyParameterFromQueryAttribute" or "SupplyParameterFromFormAttribute")
                {
                    return $"binds [{attributeType.Name[..^"Attribute".Length]}] '{property.Name}'";
                }

                if (attribute is CascadingParameterAttribute && property.PropertyType == typeof(HttpContext) && Array.IndexOf(EndpointMetadataReaders, type.FullName) < 0)
                {
                    return $"reads the HttpContext (the cascading parameter '{property.Name}')";
                }

                if (attribute is InjectAttribute && property.PropertyType == typeof(IHttpContextAccessor))
                {
                    return $"reads the HttpContext (it injects IHttpContextAccessor as '{property.Name}')";
                }
            }
        }

        return null;
    }

    private static string? FindUncachedWork(Type type, UseCacheAttribute? useCache, bool overridesLifecycle)
    {
        // StrataScripts injects only to ask whether the Development overlay is on: the same for every request.
        if (useCache is not null || type == typeof(StrataScripts) || type.Assembly.GetName().Name?.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) == true)
        {
            return null;
        }

        if (!typeof(ComponentBase).IsAssignableFrom(type))
        {
            return "is not a ComponentBase, so what it reads cannot be seen";
        }

        if (overridesLifecycle)
        {
            return "loads what it shows in its lifecycle methods (OnInitialized or OnParametersSet), outside any cache";
        }

        if (Properties(type).FirstOrDefault(p => p.IsDefined(typeof(InjectAttribute), inherit: true)) is { } injected)
        {
            return $"injects {ReadableName(injected.PropertyType)} as '{injected.Name}', which it may read outside any cache";
        }

        return type.GetConstructors().Any(c => c.GetParameters().Length > 0) ? "takes services in its constructor, which it may read outside any cache" : null;
    }

    private static bool IsNamed(Type type, string fullName)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.FullName == fullName)
            {
                return true;
            }
        }

        return false;
    }
}
