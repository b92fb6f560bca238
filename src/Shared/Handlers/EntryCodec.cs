using System.Buffers.Binary;
using System.Text;

namespace Strata.Handlers.Internal;

/// <summary>
/// The stored form of a <see cref="CacheEntry"/>: a small binary header (format, timestamp, the three lifetimes, the
/// tags) followed by the serialized value as <see cref="CacheValue.GetBytes"/> wrote it.
/// </summary>
/// <remarks>
/// Layout, little-endian: byte format (1); int64 timestamp (Unix ms); double stale, revalidate, expire (seconds);
/// int32 tag count; per tag int32 byte length + UTF-8; then the value bytes to the end.
/// </remarks>
internal static class EntryCodec
{
    private const byte Format = 1;
    private const int HeaderSize = 1 + 8 + 8 + 8 + 8 + 4;

    public static byte[] Encode(CacheEntry entry)
    {
        var value = entry.Value.GetBytes().Span;
        var tags = entry.Tags;
        var size = HeaderSize + value.Length;
        for (var i = 0; i < tags.Count; i++)
        {
            size += 4 + Encoding.UTF8.GetByteCount(tags[i]);
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = Format;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], entry.Timestamp);
        BinaryPrimitives.WriteDoubleLittleEndian(span[9..], entry.Stale);
        BinaryPrimitives.WriteDoubleLittleEndian(span[17..], entry.Revalidate);
        BinaryPrimitives.WriteDoubleLittleEndian(span[25..], entry.Expire);
        BinaryPrimitives.WriteInt32LittleEndian(span[33..], tags.Count);
        var offset = HeaderSize;
        for (var i = 0; i < tags.Count; i++)
        {
            var written = Encoding.UTF8.GetBytes(tags[i], span[(offset + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], written);
            offset += 4 + written;
        }

        value.CopyTo(span[offset..]);
        return buffer;
    }

    /// <summary>Reads an entry; <see langword="null"/> when the bytes are not an entry of this format (another version wrote them).</summary>
    public static CacheEntry? Decode(byte[] buffer, ICacheSerializer serializer)
    {
        var span = buffer.AsSpan();
        if (span.Length < HeaderSize || span[0] != Format)
        {
            return null;
        }

        var timestamp = BinaryPrimitives.ReadInt64LittleEndian(span[1..]);
        var stale = BinaryPrimitives.ReadDoubleLittleEndian(span[9..]);
        var revalidate = BinaryPrimitives.ReadDoubleLittleEndian(span[17..]);
        var expire = BinaryPrimitives.ReadDoubleLittleEndian(span[25..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[33..]);
        if (count < 0 || count > (span.Length - HeaderSize) / 4)
        {
            return null;
        }

        var tags = count == 0 ? [] : new string[count];
        var offset = HeaderSize;
        for (var i = 0; i < count; i++)
        {
            if (offset + 4 > span.Length)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
            offset += 4;
            if (length < 0 || offset + length > span.Length)
            {
                return null;
            }

            tags[i] = Encoding.UTF8.GetString(span.Slice(offset, length));
            offset += length;
        }

        var value = CacheValue.FromBytes(new ReadOnlyMemory<byte>(buffer, offset, buffer.Length - offset), serializer);
        return new CacheEntry(value, tags, timestamp, stale, revalidate, expire);
    }
}
