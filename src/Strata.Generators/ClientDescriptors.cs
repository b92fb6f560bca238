using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>
/// The diagnostics of values that cannot cross into a client component (STRATA050-054). The texts are
/// <see cref="ClientPropTexts"/>, which the web layer's run-time check formats too.
/// </summary>
internal static class ClientDescriptors
{
    private const string Category = "Strata";

    public static readonly DiagnosticDescriptor Function = Error(
        "STRATA050", "A function cannot be passed to a client component", ClientPropTexts.UseSiteFormat(ClientPropKind.Function));

    public static readonly DiagnosticDescriptor Content = Error(
        "STRATA051", "Rendered content cannot be passed to a client component", ClientPropTexts.UseSiteFormat(ClientPropKind.Content));

    public static readonly DiagnosticDescriptor Service = Error(
        "STRATA052", "A service cannot be passed to a client component", ClientPropTexts.UseSiteFormat(ClientPropKind.Service));

    public static readonly DiagnosticDescriptor Json = Error(
        "STRATA053", "A value that does not round-trip through JSON cannot be passed to a client component", ClientPropTexts.UseSiteFormat(ClientPropKind.Json));

    public static readonly DiagnosticDescriptor Declaration = Error(
        "STRATA054", "A client component declares a parameter no value of which can be passed to it", ClientPropTexts.Declaration);

    public static DiagnosticDescriptor ForUseSite(ClientPropKind kind) => kind switch
    {
        ClientPropKind.Function => Function,
        ClientPropKind.Content => Content,
        ClientPropKind.Service => Service,
        _ => Json,
    };

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: Descriptors.HelpBase + id + ".md");
}
