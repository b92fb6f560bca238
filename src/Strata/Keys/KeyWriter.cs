using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Strata;

/// <summary>A growable byte writer over a caller-provided span (usually stack memory), falling back to pooled arrays.</summary>
internal ref struct KeyWriter
{
    private Span<byte> _buffer;
    private byte[]? _rented;
    private int _length;

    public KeyWriter(Span<byte> initial)
    {
        _buffer = initial;
        _rented = null;
        _length = 0;
    }

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public readonly int Length => _length;

    public void WriteByte(byte value)
    {
        if (_length >= _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_length++] = value;
    }

    public void WriteTagged(byte tag, scoped ReadOnlySpan<byte> payload)
    {
        Ensure(payload.Length + 1);
        _buffer[_length++] = tag;
        payload.CopyTo(_buffer[_length..]);
        _length += payload.Length;
    }

    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer[_length..]);
        _length += bytes.Length;
    }

    public void WriteInt32(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[_length..], value);
        _length += 4;
    }

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer[_length..], value);
        _length += 8;
    }

    public void WriteVarUInt(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    /// <summary>Writes a tag and a little-endian 32-bit value.</summary>
    public void WriteTaggedInt32(byte tag, int value)
    {
        Ensure(5);
        _buffer[_length] = tag;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[(_length + 1)..], value);
        _length += 5;
    }

    /// <summary>Writes a tag and a length-prefixed UTF-16 string.</summary>
    public void WriteTaggedString(byte tag, string value)
    {
        var chars = MemoryMarshal.AsBytes(value.AsSpan());
        Ensure(chars.Length + 6);
        _buffer[_length++] = tag;
        var length = (uint)value.Length;
        while (length >= 0x80)
        {
            _buffer[_length++] = (byte)(length | 0x80);
            length >>= 7;
        }

        _buffer[_length++] = (byte)length;
        chars.CopyTo(_buffer[_length..]);
        _length += chars.Length;
    }

    /// <summary>Writes a length-prefixed UTF-16 string (no tag).</summary>
    public void WriteStringPayload(string value)
    {
        WriteVarUInt((uint)value.Length);
        WriteBytes(MemoryMarshal.AsBytes(value.AsSpan()));
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }

    private void Ensure(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Grow(count);
        }
    }

    private void Grow(int count)
    {
        var size = Math.Max(_buffer.Length * 2, _length + count);
        size = Math.Max(size, 256);
        var next = ArrayPool<byte>.Shared.Rent(size);
        _buffer[.._length].CopyTo(next);
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }

        _rented = next;
        _buffer = next;
    }
}
