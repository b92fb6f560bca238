using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace Strata.AspNetCore.Components;

/// <summary>
/// An interactive component (a client component: WebAssembly or Auto; or Interactive Server) rendered by a cached
/// component, as its entry keeps it: the component's type, its render mode and its parameters as JSON, as Next.js keeps a
/// client reference and its props in a cached server component's output. Every render of the entry (hit or miss) renders
/// the component again from this, through the page's own renderer, so Blazor writes its prerendered HTML and its marker
/// (with the prerender id and the Interactive Server descriptor that must be new on every request) as it does for any
/// interactive component. Immutable, so hits share one instance.
/// </summary>
internal sealed class CachedClient
{
    private static readonly ConcurrentDictionary<string, Type> Types = new(StringComparer.Ordinal);

    [JsonConstructor]
    public CachedClient(string type, string mode, bool prerender, bool fixedMode, ImmutableArray<CachedClientParameter> parameters)
    {
        Type = type;
        Mode = mode;
        Prerender = prerender;
        FixedMode = fixedMode;
        Parameters = parameters;
    }

    /// <summary>The component's assembly-qualified type name.</summary>
    public string Type { get; }

    /// <summary>"WebAssembly", "Auto" or "Server".</summary>
    public string Mode { get; }

    public bool Prerender { get; }

    /// <summary>Whether the component's class carries its render mode ([UseClient], @rendermode in its file), which Blazor forbids giving again at the use site.</summary>
    public bool FixedMode { get; }

    public ImmutableArray<CachedClientParameter> Parameters { get; }

    /// <summary>Takes what a fill gave the component; throws the documented message for a value that cannot cross.</summary>
    public static CachedClient Capture(Type componentType, IComponentRenderMode renderMode, ParameterView parameters, string outer, string kind)
    {
        var (mode, prerender) = renderMode switch
        {
            InteractiveWebAssemblyRenderMode wasm => ("WebAssembly", wasm.Prerender),
            InteractiveAutoRenderMode auto => ("Auto", auto.Prerender),
            InteractiveServerRenderMode server => ("Server", server.Prerender),
            _ => throw new InvalidOperationException(WebErrorMessages.UnknownRenderModeInCache(outer, kind, ComponentTypeInfo.ReadableName(componentType), renderMode.GetType().Name)),
        };

        var name = ComponentTypeInfo.ReadableName(componentType);
        var values = ImmutableArray.CreateBuilder<CachedClientParameter>();
        foreach (var parameter in parameters)
        {
            if (parameter.Cascading)
            {
                continue;
            }

            var json = ClientProps.Write(name, parameter.Name, parameter.Value);
            if (HasCapturedValues(parameter.Value, json))
            {
                throw new InvalidOperationException(WebErrorMessages.BoundServerFunctionInCache(outer, kind, name, parameter.Name));
            }

            values.Add(new CachedClientParameter(parameter.Name, parameter.Value?.GetType().AssemblyQualifiedName, json));
        }

        var fixedMode = componentType.GetCustomAttribute<RenderModeAttribute>(inherit: true) is not null;
        return new CachedClient(componentType.AssemblyQualifiedName!, mode, prerender, fixedMode, values.ToImmutable());
    }

    /// <summary>
    /// Whether the value is a server function reference with captured values (ServerAction.Bind): their protected payload
    /// expires, so an entry that kept it would hand out a dead reference once it is older than the payload's lifetime.
    /// </summary>
    private static bool HasCapturedValues(object? value, string? json)
    {
        if (value is null || json is null || !ClientPropTexts.IsServerFunctionReference(value.GetType().Namespace, value.GetType().Name))
        {
            return false;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("captured", out var captured) && captured.ValueKind != JsonValueKind.Null;
    }

    /// <summary>Renders the component with fresh copies of its parameters (a component may change what it is given).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2057", Justification = "The type was rendered by this application when the entry was filled.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "The type was rendered by this application when the entry was filled.")]
    public void Render(RenderTreeBuilder builder)
    {
        var type = Types.GetOrAdd(Type, static name => System.Type.GetType(name, throwOnError: true)!);
        builder.OpenComponent(2, type);
        foreach (var parameter in Parameters)
        {
            var value = parameter.Type is null ? null : ClientProps.Read(parameter.Json, Types.GetOrAdd(parameter.Type, static name => System.Type.GetType(name, throwOnError: true)!));
            builder.AddComponentParameter(3, parameter.Name, value);
        }

        if (!FixedMode)
        {
            builder.AddComponentRenderMode(Mode switch
            {
                "WebAssembly" => new InteractiveWebAssemblyRenderMode(Prerender),
                "Auto" => new InteractiveAutoRenderMode(Prerender),
                _ => new InteractiveServerRenderMode(Prerender),
            });
        }

        builder.CloseComponent();
    }
}

/// <summary>A parameter of a <see cref="CachedClient"/>: its name, the assembly-qualified type of its value (null for null) and the value as JSON.</summary>
internal sealed class CachedClientParameter
{
    [JsonConstructor]
    public CachedClientParameter(string name, string? type, string? json)
    {
        Name = name;
        Type = type;
        Json = json;
    }

    public string Name { get; }

    public string? Type { get; }

    public string? Json { get; }
}

/// <summary>
/// Stands in for an interactive component while a cached component is filled: it captures the component's parameters
/// (<see cref="CachedClient.Capture"/>) and writes a hole marker where the component goes. The component itself is not
/// rendered in the fill; it is rendered live from the entry (<see cref="CachedClient.Render"/>).
/// </summary>
internal sealed class ClientCapture(Type componentType, IComponentRenderMode renderMode, FillHoles holes, CachedComponentType outer) : IComponent
{
    private RenderHandle _handle;
    private int? _hole;

    public void Attach(RenderHandle renderHandle) => _handle = renderHandle;

    public Task SetParametersAsync(ParameterView parameters)
    {
        var client = CachedClient.Capture(componentType, renderMode, parameters, outer.Name, outer.Kind);
        _hole = holes.SetClient(_hole, ComponentTypeInfo.ReadableName(componentType), client);
        var marker = holes.Markers.For(_hole.Value);
        _handle.Render(builder => builder.AddMarkupContent(0, marker));
        return Task.CompletedTask;
    }
}
