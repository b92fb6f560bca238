using System.Diagnostics.CodeAnalysis;

namespace Strata;

/// <summary>
/// The feature switch that turns off Strata's reflection over types its source generator did not register. The package's
/// build targets set it to <see langword="false"/> in projects with <c>PublishTrimmed</c> or <c>PublishAot</c> (at run
/// time too, so <c>dotnet run</c> behaves as the published app), and the trimmer removes the reflective code: there a
/// parameter type the generator did not register, a delegate argument or a result copied as a type other than its
/// declared one is refused with the reason, and values are copied only by a serializer with metadata
/// (<see cref="JsonCacheSerializer(System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver, System.Text.Json.JsonSerializerOptions?)"/>).
/// Under Native AOT reflection may not see every field of a type, so a key or an immutability verdict read by reflection
/// could miss state: refusing is the only answer that can never be a wrong hit.
/// </summary>
internal static class StrataFeatures
{
    /// <summary>The switch's name (<c>RuntimeHostConfigurationOption</c> in <c>build/Strata.targets</c>).</summary>
    public const string ReflectionSwitch = "Strata.IsReflectionEnabled";

    /// <summary>The words every refusal caused by the switch ends with.</summary>
    public const string ReflectionOff = "reflection over such types is off in trimmed and Native AOT apps";

    /// <summary>
    /// Why reading a run-time type's interfaces (<c>GetInterfaces()</c>: is it a service, a component, request state, a
    /// collection?) stays on in trimmed apps.
    /// </summary>
    public const string InterfacesKept = "The trimmer removes an interface implementation only when no code uses the interface; missing one only makes Strata key or refuse a value it would otherwise leave out or classify, never leave out state.";

    /// <summary>Whether Strata may reflect over types it has no generated code for (true unless the switch says otherwise).</summary>
    [FeatureSwitchDefinition(ReflectionSwitch)]
    [FeatureGuard(typeof(RequiresUnreferencedCodeAttribute))]
    [FeatureGuard(typeof(RequiresDynamicCodeAttribute))]
    public static bool IsReflectionEnabled { get; } = !AppContext.TryGetSwitch(ReflectionSwitch, out var enabled) || enabled;
}
