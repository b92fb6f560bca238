using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Strata.AspNetCore.Server;

/// <summary>How a request calls a server function.</summary>
internal enum ServerCall
{
    /// <summary>Not a server function call.</summary>
    None,

    /// <summary>A POST with the <c>Strata-Action</c> header and a JSON array of arguments; the response is the JSON result.</summary>
    Fetch,

    /// <summary>A form post whose first field is <c>__strata_action</c> (a <c>ServerForm</c>, with or without JavaScript); the response is the page rendered after it, or a redirect.</summary>
    Form,
}

/// <summary>
/// Serves server function calls in the request scope, in this order: the CSRF origin check (403), the body limit (413),
/// the action id (404), authorization (401/403), the captured values and the arguments (400), then the function in the
/// Action phase. Nothing runs before every check has passed.
/// </summary>
internal sealed partial class ServerActionHandler
{
    public const string ActionHeader = "Strata-Action";
    public const string CapturedHeader = "Strata-Action-Captured";
    public const string RevalidatedHeader = "Strata-Action-Revalidated";
    public const string RedirectHeader = "Strata-Action-Redirect";
    public const string NotFoundHeader = "Strata-Action-Not-Found";
    public const string ActionField = "__strata_action";
    public const string CapturedField = "__strata_captured";

    private const string NoStore = "no-cache, no-store, max-age=0, must-revalidate";
    private const int PeekBytes = 512;

    private static readonly ReadOnlyMemory<byte> EmptyArray = "[]"u8.ToArray();
    private static readonly byte[] UrlEncodedMarker = Encoding.ASCII.GetBytes(ActionField + "=");
    private static readonly byte[] MultipartMarker = Encoding.ASCII.GetBytes("name=\"" + ActionField + "\"");

    private readonly ServerFunctionTable _table;
    private readonly ServerFunctionOptions _options;
    private readonly ILogger<ServerActionHandler> _logger;
    private readonly bool _showDetails;

    public ServerActionHandler(ServerFunctionTable table, IOptions<ServerFunctionOptions> options, ILogger<ServerActionHandler> logger, IServiceProvider services)
    {
        _table = table;
        _options = options.Value;
        _logger = logger;
        _showDetails = _options.ShowExceptionDetails ?? services.GetService<IHostEnvironment>()?.IsDevelopment() == true;
        Json = ServerJson.Create(_options.MaxJsonDepth);
        Captured = new CapturedValues(
            services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            _options,
            Json);
    }

    public JsonSerializerOptions Json { get; }

    public CapturedValues Captured { get; }

    public ServerFunctionTable Table => _table;

    /// <summary>Whether the request calls a server function, and how. A form post's first bytes are read (and kept) to find out.</summary>
    public static async ValueTask<ServerCall> DetectAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            return ServerCall.None;
        }

        if (request.Headers.ContainsKey(ActionHeader))
        {
            return ServerCall.Fetch;
        }

        if (!request.HasFormContentType)
        {
            return ServerCall.None;
        }

        // The ServerForm writes its action field first, so the first bytes of the body tell; the body is buffered and
        // rewound, so the form reaches the application unchanged when it is not a server function call.
        request.EnableBuffering();
        var buffer = new byte[PeekBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await request.Body.ReadAsync(buffer.AsMemory(read), context.RequestAborted).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        request.Body.Position = 0;
        var head = buffer.AsSpan(0, read);
        var multipart = request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true;
        return (multipart ? head.IndexOf(MultipartMarker) >= 0 : head.StartsWith(UrlEncodedMarker)) ? ServerCall.Form : ServerCall.None;
    }

    /// <summary>
    /// Serves the call. Returns <see langword="true"/> when the response is complete; <see langword="false"/> after a
    /// successful form call, whose page the caller renders next.
    /// </summary>
    public async Task<bool> HandleAsync(HttpContext context, ServerCall call, CacheRequest request)
    {
        if (OriginCheck.Refusal(context.Request, _options) is { } refusal)
        {
            LogOriginRefused(refusal);
            await WriteErrorAsync(context, call, StatusCodes.Status403Forbidden, "invalid_origin", "Invalid Server Actions request.").ConfigureAwait(false);
            return true;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await WriteErrorAsync(context, call, StatusCodes.Status413PayloadTooLarge, "body_too_large", BodyTooLarge()).ConfigureAwait(false);
            return true;
        }

        FormData? form = null;
        string? id;
        string? captured;
        if (call == ServerCall.Form)
        {
            form = await ReadFormAsync(context).ConfigureAwait(false);
            if (form is null)
            {
                await WriteErrorAsync(context, call, StatusCodes.Status400BadRequest, "invalid_arguments", "The form could not be read: it is malformed or has too many fields.").ConfigureAwait(false);
                return true;
            }

            id = form.Get(ActionField);
            captured = form.Get(CapturedField);
        }
        else
        {
            id = context.Request.Headers[ActionHeader].ToString();
            captured = context.Request.Headers[CapturedHeader].ToString();
        }

        if (string.IsNullOrEmpty(id) || !_table.TryGet(id, out var function))
        {
            LogNotFound(id is null ? "" : id.Length <= 100 ? id : id[..100]);
            context.Response.Headers[NotFoundHeader] = "1";
            await WriteErrorAsync(context, call, StatusCodes.Status404NotFound, "not_found", "Server action not found.").ConfigureAwait(false);
            return true;
        }

        if (!await AuthorizeAsync(context, call, function).ConfigureAwait(false))
        {
            return true;
        }

        ServerArguments arguments;
        JsonDocument? document = null;
        try
        {
            var values = string.IsNullOrEmpty(captured) ? [] : Captured.Unprotect(id, captured);
            if (values.Length > RequestServerArguments.MaxCaptured(function))
            {
                throw new ServerArgumentException(null, CapturedValues.InvalidPayload);
            }

            if (form is not null)
            {
                arguments = RequestServerArguments.FromForm(function, Json, values, form);
            }
            else
            {
                document = ParseArguments(body.Value);
                arguments = RequestServerArguments.FromJson(function, Json, values, document.RootElement);
            }
        }
        catch (ServerArgumentException ex)
        {
            document?.Dispose();
            await WriteArgumentErrorAsync(context, call, function, ex).ConfigureAwait(false);
            return true;
        }

        using (document)
        {
            return await RunAsync(context, call, request, function, arguments).ConfigureAwait(false);
        }
    }

    private async Task<bool> RunAsync(HttpContext context, ServerCall call, CacheRequest request, ServerFunction function, ServerArguments arguments)
    {
        object? result;
        try
        {
            result = await function.Invoker(context.RequestServices, arguments, context.RequestAborted).ConfigureAwait(false);
            await request.CompleteAsync().ConfigureAwait(false);
        }
        catch (ServerArgumentException ex)
        {
            await WriteArgumentErrorAsync(context, call, function, ex).ConfigureAwait(false);
            return true;
        }
        catch (RedirectException redirect)
        {
            await request.CompleteAsync().ConfigureAwait(false);
            WriteRevalidated(context, request);
            context.Response.Headers.CacheControl = NoStore;
            if (call == ServerCall.Form)
            {
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                context.Response.Headers.Location = context.Request.PathBase.Add(redirect.Url).ToString();
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.Headers[RedirectHeader] = $"{context.Request.PathBase.Add(redirect.Url)};{(redirect.Type == RedirectType.Replace ? "replace" : "push")}";
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync("null", context.RequestAborted).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return true; // the client went away
        }
        catch (Exception ex)
        {
            var digest = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            LogFailed(ex, function.Name, digest);
            var message = _showDetails
                ? ex.Message
                : "An error occurred in a server function. The specific message is omitted in production builds to avoid leaking sensitive details. The digest identifies the error in the server's logs.";
            await WriteErrorAsync(context, call, StatusCodes.Status500InternalServerError, "server_error", message, digest: digest).ConfigureAwait(false);
            return true;
        }

        WriteRevalidated(context, request);
        if (call == ServerCall.Form)
        {
            return false;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.CacheControl = NoStore;
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, result, function.ResultType ?? typeof(object), Json, context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> AuthorizeAsync(HttpContext context, ServerCall call, ServerFunction function)
    {
        AuthorizationPolicy? policy;
        try
        {
            policy = await _table.PolicyOf(function).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            LogFailed(ex, function.Name, "authorization");
            await WriteErrorAsync(context, call, StatusCodes.Status500InternalServerError, "server_error", _showDetails ? ex.Message : "Authorization is not configured.").ConfigureAwait(false);
            return false;
        }

        if (policy is null)
        {
            return true;
        }

        var evaluator = context.RequestServices.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        var result = await evaluator.AuthorizeAsync(policy, authentication, context, function).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return true;
        }

        if (call == ServerCall.Form)
        {
            // A form post without JavaScript: the authentication scheme answers (a login redirect, or 401/403).
            if (result.Challenged)
            {
                await ChallengeAsync(context, policy).ConfigureAwait(false);
            }
            else
            {
                await ForbidAsync(context, policy).ConfigureAwait(false);
            }

            return false;
        }

        await WriteErrorAsync(
            context,
            call,
            result.Challenged ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden,
            result.Challenged ? "unauthorized" : "forbidden",
            result.Challenged ? "Sign in to call this server function." : "You are not allowed to call this server function.").ConfigureAwait(false);
        return false;
    }

    private static async Task ChallengeAsync(HttpContext context, AuthorizationPolicy policy)
    {
        if (policy.AuthenticationSchemes.Count == 0)
        {
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ChallengeAsync(context).ConfigureAwait(false);
            return;
        }

        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ChallengeAsync(context, scheme).ConfigureAwait(false);
        }
    }

    private static async Task ForbidAsync(HttpContext context, AuthorizationPolicy policy)
    {
        if (policy.AuthenticationSchemes.Count == 0)
        {
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ForbidAsync(context).ConfigureAwait(false);
            return;
        }

        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ForbidAsync(context, scheme).ConfigureAwait(false);
        }
    }

    /// <summary>The body, at most <see cref="ServerFunctionOptions.BodySizeLimit"/> bytes; <see langword="null"/> when it is larger.</summary>
    private async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context)
    {
        var limit = _options.BodySizeLimit;
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return null;
        }

        // With a Content-Length the body is read into an array of exactly that size (one byte more detects a lie);
        // a streamed body grows its buffer, never past the limit.
        var buffer = new byte[request.ContentLength is { } length ? length + 1 : Math.Min(limit + 1, 4096)];
        var read = 0;
        while (true)
        {
            if (read == buffer.Length)
            {
                if (read > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)Math.Min(limit + 1, (long)buffer.Length * 2));
            }

            var n = await request.Body.ReadAsync(buffer.AsMemory(read), context.RequestAborted).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        if (read > limit)
        {
            return null;
        }

        if (request.Body.CanSeek)
        {
            request.Body.Position = 0; // a form is read again from the start
        }

        return buffer.AsMemory(0, read);
    }

    private async Task<FormData?> ReadFormAsync(HttpContext context)
    {
        var limit = (int)Math.Min(_options.BodySizeLimit, int.MaxValue);
        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new Microsoft.AspNetCore.Http.Features.FormOptions
        {
            ValueLengthLimit = limit,
            MultipartBodyLengthLimit = limit,
            MultipartHeadersLengthLimit = 16 * 1024,
            ValueCountLimit = 1024,
            KeyLengthLimit = 2048,
        }));
        try
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            return new FormData(form);
        }
        catch (InvalidDataException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The JSON argument array; the document lives until the call ends (its elements are read in place, not copied).</summary>
    private JsonDocument ParseArguments(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body.IsEmpty ? EmptyArray : body, new JsonDocumentOptions { MaxDepth = _options.MaxJsonDepth });
        }
        catch (JsonException ex)
        {
            throw new ServerArgumentException(null, $"The body is not valid JSON (or nests deeper than {_options.MaxJsonDepth} levels): {ex.Message}", ex);
        }
    }

    private void WriteRevalidated(HttpContext context, CacheRequest request)
    {
        var tags = request.RevalidatedTags;
        if (tags.Count == 0 && !request.PathWasRevalidated)
        {
            return;
        }

        context.Response.Headers[RevalidatedHeader] = JsonSerializer.Serialize(new RevalidatedPayload(tags.Order(StringComparer.Ordinal).ToArray(), request.PathWasRevalidated), ServerJson.HeaderOptions);
    }

    private Task WriteArgumentErrorAsync(HttpContext context, ServerCall call, ServerFunction function, ServerArgumentException ex)
    {
        LogInvalidArguments(function.Name, ex.ParameterName ?? "", ex.Message);
        return WriteErrorAsync(context, call, StatusCodes.Status400BadRequest, "invalid_arguments", ex.Message, ex.ParameterName);
    }

    private async Task WriteErrorAsync(HttpContext context, ServerCall call, int status, string code, string message, string? parameter = null, string? digest = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = NoStore;
        if (call == ServerCall.Form)
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(digest is null ? message : $"{message}\nDigest: {digest}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, new ErrorPayload(new ErrorBody(code, message, parameter, digest)), ServerJson.HeaderOptions, context.RequestAborted).ConfigureAwait(false);
    }

    private string BodyTooLarge() =>
        $"Body exceeded {_options.BodySizeLimit} bytes limit.\nTo configure the body size limit for server functions, set ServerFunctionOptions.BodySizeLimit (Strata:ServerFunctions:BodySizeLimit).";

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "{Reason}")]
    private partial void LogOriginRefused(string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Failed to find Server Action \"{Id}\". This request might be from an older or newer deployment.")]
    private partial void LogNotFound(string id);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Server function {Name} was called with invalid arguments ({Parameter}): {Reason}")]
    private partial void LogInvalidArguments(string name, string parameter, string reason);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "Server function {Name} failed (digest {Digest}).")]
    private partial void LogFailed(Exception exception, string name, string digest);

    internal sealed record RevalidatedPayload(string[] Tags, bool Refresh);

    internal sealed record ErrorPayload(ErrorBody Error);

    internal sealed record ErrorBody(string Code, string Message, string? Parameter, string? Digest);
}
