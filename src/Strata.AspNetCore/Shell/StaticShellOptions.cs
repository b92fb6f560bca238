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
    /// Whether pages without route parameters, and the values <c>[StaticParams]</c> methods list for pages with them, are
    /// prerendered after start-up, and served from memory while what they were built from is fresh. The default is <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many pages are prerendered at the same time, at start-up and when shells are regenerated. The default is 2.</summary>
    public int PrerenderConcurrency { get; set; } = 2;

    /// <summary>
    /// How many values of route parameters that no <c>[StaticParams]</c> method listed are prerendered after a request rendered
    /// them (Next.js generates such a page on demand and keeps it); beyond that, unlisted values are rendered on every
    /// request, so requests for made-up values cannot fill the memory. The default is 1000; 0 keeps only listed values.
    /// </summary>
    public int MaxOnDemandShells { get; set; } = 1000;
}
