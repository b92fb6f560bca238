namespace Strata.AspNetCore;

/// <summary>
/// Options of server functions (<c>[UseServer]</c>), Next.js's <c>serverActions</c> config. Configure them with
/// <c>builder.Services.Configure&lt;ServerFunctionOptions&gt;(o =&gt; ...)</c> or under <c>Strata:ServerFunctions</c> in
/// appsettings.json.
/// </summary>
public sealed class ServerFunctionOptions
{
    /// <summary>The default <see cref="BodySizeLimit"/>: 1 MB (1,048,576 bytes), as Next.js's <c>serverActions.bodySizeLimit</c>.</summary>
    public const long DefaultBodySizeLimit = 1024 * 1024;

    /// <summary>The default <see cref="MaxJsonDepth"/>: 32 levels.</summary>
    public const int DefaultMaxJsonDepth = 32;

    /// <summary>The default <see cref="CapturedValuesLifetime"/>: 24 hours.</summary>
    public static readonly TimeSpan DefaultCapturedValuesLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// Origins other than the request's own host that may call server functions (<c>serverActions.allowedOrigins</c>): host
    /// names with an optional port, e.g. <c>my-proxy.com</c> or <c>*.example.com</c>. In a pattern, <c>*</c> stands for exactly
    /// one label and <c>**</c> (only as the left-most label) for one or more; a pattern of only wildcards matches nothing.
    /// Compared without regard to case. Empty by default: only same-origin calls are allowed.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Whether a call without an <c>Origin</c> header is allowed. <see langword="false"/> by default: every browser sends
    /// <c>Origin</c> on a POST, so a call without one is refused (403). Next.js allows it with a warning; turn this on for
    /// clients that cannot send it.
    /// </summary>
    public bool AllowMissingOrigin { get; set; }

    /// <summary>The largest request body of a server function call, in bytes; larger ones get 413. 1,048,576 (1 MB) by default.</summary>
    public long BodySizeLimit { get; set; } = DefaultBodySizeLimit;

    /// <summary>The deepest nesting of JSON arguments (arrays and objects); deeper payloads get 400 before any value is made. 32 by default.</summary>
    public int MaxJsonDepth { get; set; } = DefaultMaxJsonDepth;

    /// <summary>
    /// How long a reference with captured values (<c>ServerAction.Bind</c>) stays valid after the page that holds it was
    /// rendered; older ones get 400 and the function does not run. 24 hours by default.
    /// </summary>
    public TimeSpan CapturedValuesLifetime { get; set; } = DefaultCapturedValuesLifetime;

    /// <summary>
    /// Whether the message of an unexpected exception is sent to the caller. <see langword="null"/> (the default) means: in
    /// Development only. Otherwise the caller gets a generic message with a digest, and the details are logged with the digest.
    /// </summary>
    public bool? ShowExceptionDetails { get; set; }

    /// <summary>
    /// A secret mixed into every action id, in addition to the build's module version id. <see langword="null"/> by default.
    /// Set the same value on every instance of a deployment (for example from a secret store) to make ids unguessable even
    /// to someone who holds the application's binaries.
    /// </summary>
    public string? IdSalt { get; set; }
}
