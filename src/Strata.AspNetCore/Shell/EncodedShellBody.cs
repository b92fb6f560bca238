using System.Globalization;
using System.IO.Compression;
using Microsoft.Extensions.Primitives;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// A shell body compressed once, when the shell is made (Brotli at its best quality, gzip at its smallest size), and how
/// to pick the encoding a request accepts: a shell hit then costs no compression, where a response compression
/// middleware would compress the same bytes again for every request (it leaves a response that already has a
/// <c>Content-Encoding</c> alone).
/// </summary>
internal sealed class EncodedShellBody(byte[] body, string etag, string encoding)
{
    public byte[] Body { get; } = body;

    /// <summary>The shell's entity tag with the encoding in it: a strong validator differs for each encoding of the bytes.</summary>
    public string ETag { get; } = etag;

    /// <summary>The <c>Content-Encoding</c>: <c>br</c> or <c>gzip</c>.</summary>
    public string Encoding { get; } = encoding;

    /// <summary>The body in Brotli, or <see langword="null"/> when it would not be smaller.</summary>
    public static EncodedShellBody? Brotli(byte[] body, string etag)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(body.Length)];
        return BrotliEncoder.TryCompress(body, buffer, out var length, quality: 11, window: 22) && length < body.Length
            ? new EncodedShellBody(buffer[..length], Tagged(etag, "br"), "br")
            : null;
    }

    /// <summary>The body in gzip, or <see langword="null"/> when it would not be smaller.</summary>
    public static EncodedShellBody? Gzip(byte[] body, string etag)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return buffer.Length < body.Length ? new EncodedShellBody(buffer.ToArray(), Tagged(etag, "gzip"), "gzip") : null;
    }

    /// <summary>
    /// The quality (0 to 1) an <c>Accept-Encoding</c> header gives <paramref name="coding"/>: its own <c>q</c>, else that of
    /// <c>*</c>, else 0 (not acceptable). Allocates nothing.
    /// </summary>
    public static double Quality(StringValues acceptEncoding, string coding)
    {
        var star = 0d;
        foreach (var value in acceptEncoding)
        {
            var rest = value.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var item = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? default : rest[(comma + 1)..];
                var semicolon = item.IndexOf(';');
                var name = (semicolon < 0 ? item : item[..semicolon]).Trim();
                var quality = semicolon < 0 ? 1d : QualityParameter(item[(semicolon + 1)..]);
                if (name.Equals(coding, StringComparison.OrdinalIgnoreCase))
                {
                    return quality;
                }

                if (name is "*")
                {
                    star = quality;
                }
            }
        }

        return star;
    }

    private static double QualityParameter(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(';'))
        {
            var parameter = parameters[range].Trim();
            if (parameter.Length > 2 && (parameter[0] is 'q' or 'Q') && parameter[1] == '=')
            {
                return double.TryParse(parameter[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) ? Math.Clamp(q, 0, 1) : 0;
            }
        }

        return 1;
    }

    private static string Tagged(string etag, string encoding) =>
        etag.EndsWith('"') ? string.Concat(etag.AsSpan(0, etag.Length - 1), "-", encoding, "\"") : etag + "-" + encoding;
}
