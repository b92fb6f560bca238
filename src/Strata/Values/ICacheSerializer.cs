using System.Buffers;

namespace Strata;

/// <summary>
/// Turns cached values into bytes and back: used to copy mutable results (so no caller can change what another receives),
/// to measure entries for the memory budget, and by remote handlers to store entries. The default is System.Text.Json.
/// </summary>
public interface ICacheSerializer
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The declared type of the value.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="destination">Where the bytes go.</param>
    void Serialize<T>(T value, IBufferWriter<byte> destination);

    /// <summary>Reads a value written by <see cref="Serialize{T}"/>.</summary>
    /// <typeparam name="T">The declared type of the value.</typeparam>
    /// <param name="source">The bytes.</param>
    /// <returns>A new instance.</returns>
    T Deserialize<T>(ReadOnlySpan<byte> source);
}
