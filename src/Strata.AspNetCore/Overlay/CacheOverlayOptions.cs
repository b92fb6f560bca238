namespace Strata.AspNetCore;

/// <summary>
/// The development overlay (the <c>Strata:Overlay</c> section of configuration): in Development, a badge on each cached
/// component, page and layout, and one for the page, drawn by <see cref="StrataScripts"/>. Never on outside Development.
/// </summary>
/// <example><c>"Strata": { "Overlay": { "Enabled": false } }</c> turns it off in Development too.</example>
public sealed class CacheOverlayOptions
{
    /// <summary>The configuration section: <c>Strata:Overlay</c>.</summary>
    public const string Section = "Strata:Overlay";

    /// <summary>Whether pages rendered in Development carry the overlay's data and load its script. The default is <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;
}
