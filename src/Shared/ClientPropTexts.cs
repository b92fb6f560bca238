namespace Strata;

/// <summary>
/// The texts for a parameter value that cannot cross into a client component (one that runs in the browser): the
/// analyzer's STRATA050-054 and the web layer's run-time check format the same strings, so both say the same. Compiled
/// into the analyzers and into Strata.AspNetCore (linked source).
/// </summary>
internal static class ClientPropTexts
{
    /// <summary>Next.js's text, with "use server" as the C# attribute.</summary>
    public const string FunctionLead = "Functions cannot be passed directly to Client Components unless you explicitly expose it by marking it with [UseServer]. ";

    public const string FunctionReason = "is a function that runs on the server and cannot be sent to the browser";

    public const string EventCallbackReason = "calls back into code that runs on the server, which cannot be sent to the browser";

    public const string ContentReason = "is rendered content (a RenderFragment): code that runs on the server, which Blazor cannot send to a component that runs in the browser, not even static markup";

    public const string FunctionFix = "Declare the parameter as a server function reference (ServerFunction<TResult> or one of its siblings) and pass a [UseServer] method or an inline server function with ServerAction.Of(...), or move the code into the client component.";

    public const string ContentFix = "Render the content inside the client component, or pass the data it shows as parameters; to put server-rendered content around a client component, render the client component inside the server one.";

    public const string ServiceFix = "Only data crosses to the browser: pass the values the component needs, and let it inject its services in the browser (register them in the .Client project's Program.cs).";

    public const string JsonFix = "Parameters of a client component are sent to the browser as JSON (System.Text.Json) and must read back as the same value: pass plain data (primitives, strings, enums, dates, Guid, arrays, lists, dictionaries, and records or classes of them whose public properties are settable or set by constructor parameters).";

    /// <summary>At a use site: {0} the parameter, {1} the component, {2} the value ("a Func&lt;int&gt;"), {3} the reason.</summary>
    public const string UseSite = "Parameter '{0}' of the client component {1} receives {2}, which {3}. ";

    /// <summary>At a declaration: {0} the component, {1} the parameter, {2} its type, {3} the reason, {4} the fix.</summary>
    public const string Declaration = "The client component {0} declares parameter '{1}' of type {2}, which {3}, so no value of it can be passed to the component. {4}";

    /// <summary>The use-site format of a kind of value.</summary>
    public static string UseSiteFormat(ClientPropKind kind) => kind switch
    {
        ClientPropKind.Function => FunctionLead + UseSite + FunctionFix,
        ClientPropKind.Content => UseSite + ContentFix,
        ClientPropKind.Service => UseSite + ServiceFix,
        _ => UseSite + JsonFix,
    };

    /// <summary>The fix of a kind of value (in the declaration text).</summary>
    public static string Fix(ClientPropKind kind) => kind switch
    {
        ClientPropKind.Function => FunctionLead + FunctionFix,
        ClientPropKind.Content => ContentFix,
        ClientPropKind.Service => ServiceFix,
        _ => JsonFix,
    };

    /// <summary>Whether a type is a server function reference, which crosses by design: a type of namespace Strata (or below) whose name starts with ServerFunction.</summary>
    public static bool IsServerFunctionReference(string? @namespace, string name) =>
        name.StartsWith("ServerFunction", System.StringComparison.Ordinal) && @namespace is { } ns && (ns == "Strata" || ns.StartsWith("Strata.", System.StringComparison.Ordinal));
}

/// <summary>Why a parameter value cannot cross into a client component.</summary>
internal enum ClientPropKind
{
    /// <summary>A delegate or an EventCallback (STRATA050).</summary>
    Function,

    /// <summary>A RenderFragment (STRATA051).</summary>
    Content,

    /// <summary>A service: an interface or abstract type, or a known service type (STRATA052).</summary>
    Service,

    /// <summary>A value that does not round-trip through System.Text.Json (STRATA053).</summary>
    Json,
}
