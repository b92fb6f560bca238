namespace Strata.AspNetCore;

/// <summary>
/// The static shell: pages prerendered after start-up and served as bytes from memory (the <c>Strata:StaticShell</c> section
/// of configuration).
/// </summary>
/// <example><c>"Strata": { "StaticShell": { "Enabled": false } }</c> renders every request, as before the shell.</example>
public sealed class StaticShellOptions
{
    /// <summary>The configuration section: <c>Strata:StaticShell</c>.</summary>
    public const string Section = "Strata:StaticShell";

    /// <summary>
    /// Whether pages without route parameters are prerendered after start-up, and served from memory while what they were
    /// built from is fresh. The default is <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many pages are prerendered at the same time, at start-up and when shells are regenerated. The default is 2.</summary>
    public int PrerenderConcurrency { get; set; } = 2;
}
