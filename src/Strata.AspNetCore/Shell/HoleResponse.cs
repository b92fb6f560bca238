using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.AspNetCore.Http;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// Serves a shell whose page streams: the shell's headers and bytes are written and flushed at once, from memory; then the
/// page is rendered for the request into a response of its own (its headers cannot change what was sent) and what it
/// streams is passed on. What it sent before its first streamed part is not passed on: the shell stands for it. It is
/// compared with the shell instead (<see cref="ShellHoles.Reconcile"/>): a streaming boundary whose first content differs
/// for this request is sent as a <c>&lt;blazor-ssr&gt;</c> frame. Blazor's framing id (enhanced navigation) is one per
/// response: the shell gets a new one, and the render's is rewritten to it.
/// </summary>
internal static class HoleResponse
{
    private const string FramingHeader = "ssr-framing";

    /// <summary>The outcome, for the store: the render matched the shell, showed other data outside its boundaries, or could not be carried by it.</summary>
    internal enum Outcome
    {
        Matched,
        OutsideDiffers,
        Mismatch,
    }

    public static async Task<(Outcome Outcome, string? Why)> ServeAsync(HttpContext context, ShellResponse variant, ShellHoles holes, bool enhanced, RequestDelegate render)
    {
        var response = context.Response;
        var framing = enhanced ? Guid.NewGuid().ToString() : null;
        foreach (var (name, value) in variant.Headers)
        {
            response.Headers[name] = value;
        }

        // The shell is a hit, but what the holes show is rendered for this request.
        response.Headers[CacheStatusHeader.Name] = CacheStatusHeader.Dynamic;
        if (framing is not null)
        {
            response.Headers[FramingHeader] = framing;
        }

        response.StatusCode = StatusCodes.Status200OK;
        var body = variant.Body;
        if (holes.FramingAt >= 0 && framing is not null)
        {
            await response.Body.WriteAsync(body.AsMemory(0, holes.FramingAt));
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(ShellHoles.FramingComment(framing)));
            await response.Body.WriteAsync(body.AsMemory(holes.FramingAt + holes.FramingLength));
        }
        else
        {
            await response.Body.WriteAsync(body);
        }

        await response.Body.FlushAsync();

        var features = context.Features;
        var sentResponse = features.Get<IHttpResponseFeature>()!;
        var sentBody = features.Get<IHttpResponseBodyFeature>()!;
        var own = new OwnResponse(sentResponse);
        var antiforgery = context.RequestServices.GetService<IOptions<AntiforgeryOptions>>()?.Value;
        var field = antiforgery?.FormFieldName is { Length: > 0 } fieldName ? Encoding.UTF8.GetBytes($"name=\"{fieldName}\"") : null;
        var stream = new HoleStream(sentBody.Stream, holes, own, enhanced, framing, field);
        features.Set<IHttpResponseFeature>(own);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(stream));
        try
        {
            await render(context);
            await stream.CompleteAsync(context.RequestAborted);
        }
        finally
        {
            features.Set(sentResponse);
            features.Set(sentBody);
        }

        if (stream.Mismatched)
        {
            return (Outcome.Mismatch, "its streaming boundaries were other components than the shell's (a [StreamRendering] component rendered other components before its first await for this request)");
        }

        if (own.StatusCode != StatusCodes.Status200OK)
        {
            return (Outcome.Mismatch, $"it answered {own.StatusCode} for a request, which a response that starts with the shell cannot send");
        }

        // Blazor issues the antiforgery cookie to every visitor without one; it matters only to a form, whose token needs it.
        var antiforgeryCookie = antiforgery?.Cookie.Name + "=";
        if (own.Headers.SetCookie.Any(c => c is not null && (stream.SentAntiforgeryField || !c.StartsWith(antiforgeryCookie, StringComparison.Ordinal))))
        {
            return (Outcome.Mismatch, "it set a cookie for a request (a form's antiforgery cookie, or the application's), which a response that starts with the shell cannot send");
        }

        return (stream.OutsideDiffered ? Outcome.OutsideDiffers : Outcome.Matched, null);
    }

    /// <summary>
    /// The response the page renders into: its own status and headers (the real ones went out with the shell). It starts
    /// (running the <c>OnStarting</c> callbacks: Strata's cache headers, Blazor's antiforgery cookie) at its first write.
    /// </summary>
    private sealed class OwnResponse(IHttpResponseFeature sent) : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = [];
        private bool _started;

        public override bool HasStarted => _started;

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public override void OnCompleted(Func<object, Task> callback, object state) => sent.OnCompleted(callback, state);

        public async ValueTask StartAsync()
        {
            if (_started)
            {
                return;
            }

            _started = true;
            for (var i = _starting.Count - 1; i >= 0; i--)
            {
                await _starting[i].Callback(_starting[i].State);
            }
        }
    }

    /// <summary>
    /// The body the page renders into. Blazor writes its first part in one go, then each streamed part as a write that starts
    /// with <c>&lt;blazor-ssr&gt;</c>: what came before the first streamed part (or the end) is reconciled with the shell;
    /// every streamed part is passed on at once, its framing id rewritten (a comment cut across two writes is held back
    /// until the next).
    /// </summary>
    private sealed class HoleStream(Stream sent, ShellHoles holes, OwnResponse response, bool enhanced, string? framing, byte[]? antiforgeryField) : Stream
    {
        private static readonly byte[] StreamedPart = "<blazor-ssr>"u8.ToArray();

        private readonly MemoryStream _first = new();
        private readonly MemoryStream _out = new();
        private byte[]? _renderedComment;
        private byte[]? _sentComment;
        private bool _firstDone;

        public bool Mismatched { get; private set; }

        public bool OutsideDiffered { get; private set; }

        /// <summary>Whether a streamed part holds an antiforgery token (a form), which needs the antiforgery cookie.</summary>
        public bool SentAntiforgeryField { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
#pragma warning disable RS0030 // Stream.Write is synchronous by contract: the response must have started before it returns
            response.StartAsync().AsTask().GetAwaiter().GetResult();
#pragma warning restore RS0030
            Take(buffer); // passed on at the next asynchronous write or flush (the server allows no synchronous writes)
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await response.StartAsync();
            Take(buffer.Span);
            await SendAsync(final: false, cancellationToken);
        }

        public override void Flush()
        {
        }

        /// <summary>A flush asked for during the render passes on what is held, but never ends the first part early.</summary>
        public override Task FlushAsync(CancellationToken cancellationToken) =>
            _firstDone ? SendAsync(final: false, cancellationToken) : Task.CompletedTask;

        /// <summary>Passes on everything still held: the render has ended.</summary>
        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (!_firstDone)
            {
                Reconcile();
            }

            await SendAsync(final: true, cancellationToken);
        }

        private void Take(ReadOnlySpan<byte> buffer)
        {
            if (Mismatched)
            {
                return;
            }

            if (!_firstDone)
            {
                if (!buffer.StartsWith(StreamedPart))
                {
                    _first.Write(buffer);
                    return;
                }

                Reconcile();
                if (Mismatched)
                {
                    return;
                }
            }

            _out.Write(buffer);
        }

        /// <summary>Compares the render's first part with the shell: frames for boundaries that differ, or an error when it cannot be carried.</summary>
        private void Reconcile()
        {
            _firstDone = true;
            var rendered = response.Headers[FramingHeader].ToString() is { Length: > 0 } own ? own : null;
            if (rendered is not null && framing is not null)
            {
                _renderedComment = Encoding.UTF8.GetBytes(ShellHoles.FramingComment(rendered));
                _sentComment = Encoding.UTF8.GetBytes(ShellHoles.FramingComment(framing));
            }

            var frames = holes.Reconcile(Encoding.UTF8.GetString(_first.GetBuffer(), 0, (int)_first.Length), rendered, enhanced, framing, out var outsideDiffers);
            OutsideDiffered = outsideDiffers;
            Mismatched = frames is null;
            _out.Write(Encoding.UTF8.GetBytes(frames ??
                "<blazor-ssr><template type=\"error\">This page changed while it was sent. Reload it.</template><blazor-ssr-end></blazor-ssr-end></blazor-ssr>"));
        }

        /// <summary>Sends what is held, the render's framing comments replaced by the response's; unless <paramref name="final"/>, a tail that may begin a comment is kept.</summary>
        private async Task SendAsync(bool final, CancellationToken cancellationToken)
        {
            if (_out.Length == 0)
            {
                return;
            }

            byte[] output = _out.ToArray();
            var keep = 0;
            if (_renderedComment is { } from && _sentComment is { } to)
            {
                output = Rewrite(output, from, to);
                keep = final ? 0 : PartialAt(output, from);
            }

            if (!SentAntiforgeryField && antiforgeryField is not null && output.AsSpan().IndexOf(antiforgeryField) >= 0)
            {
                SentAntiforgeryField = true;
            }

            if (output.Length > keep)
            {
                await sent.WriteAsync(output.AsMemory(0, output.Length - keep), cancellationToken);
                await sent.FlushAsync(cancellationToken);
            }

            _out.SetLength(0);
            _out.Write(output.AsSpan(output.Length - keep));
        }

        private static byte[] Rewrite(ReadOnlySpan<byte> text, byte[] from, byte[] to)
        {
            var result = new MemoryStream(text.Length);
            while (text.IndexOf(from) is var at and >= 0)
            {
                result.Write(text[..at]);
                result.Write(to);
                text = text[(at + from.Length)..];
            }

            result.Write(text);
            return result.ToArray();
        }

        /// <summary>How many bytes at the end of <paramref name="text"/> may be the start of <paramref name="comment"/>.</summary>
        private static int PartialAt(byte[] text, byte[] comment)
        {
            for (var length = Math.Min(comment.Length - 1, text.Length); length > 0; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(comment.AsSpan(0, length)))
                {
                    return length;
                }
            }

            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
