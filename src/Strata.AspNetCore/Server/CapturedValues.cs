using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Strata.AspNetCore.Server;

/// <summary>
/// Protects the values a server function reference captured (<c>ServerAction.Bind</c>) with ASP.NET Core Data Protection
/// (authenticated encryption, the application's key ring and its rotation). The purpose includes the action id, so a
/// payload made for one function cannot be opened for another; the payload carries its expiry, checked against the
/// application's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class CapturedValues(IDataProtectionProvider provider, TimeProvider time, ServerFunctionOptions options, JsonSerializerOptions json)
{
    /// <summary>Next.js's message for a payload that cannot be opened.</summary>
    public const string InvalidPayload = "Invalid Server Action payload: failed to decrypt.";

    private const string Purpose = "Strata.ServerFunctions.CapturedValues.v1";

    public string Protect(string actionId, IReadOnlyList<object?> values, IReadOnlyList<Type> types)
    {
        var expires = time.GetUtcNow().Add(options.CapturedValuesLifetime).ToUnixTimeMilliseconds();
        using var buffer = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(header, expires);
        buffer.Write(header);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < values.Count; i++)
            {
                JsonSerializer.Serialize(writer, values[i], types[i], json);
            }

            writer.WriteEndArray();
        }

        return Convert.ToBase64String(provider.CreateProtector(Purpose, actionId).Protect(buffer.ToArray()))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The captured values, or throws <see cref="ServerArgumentException"/> when the payload is forged, truncated, made for another function or expired.</summary>
    public JsonElement[] Unprotect(string actionId, string payload)
    {
        byte[] plain;
        try
        {
            var text = payload.Replace('-', '+').Replace('_', '/');
            plain = provider.CreateProtector(Purpose, actionId).Unprotect(Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=')));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            throw new ServerArgumentException(null, InvalidPayload, ex);
        }

        if (plain.Length < 8 || BinaryPrimitives.ReadInt64BigEndian(plain) < time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            throw new ServerArgumentException(null, "The server function reference has expired: reload the page and try again.");
        }

        using var document = JsonDocument.Parse(plain.AsMemory(8), new JsonDocumentOptions { MaxDepth = json.MaxDepth });
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
