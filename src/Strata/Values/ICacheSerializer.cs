using System.Buffers;

namespace Strata;

/// <summary>
/// Turns cached values into bytes and back: used to copy mutable results (so no caller can change what another receives),
/// to measure entries for the memory budget, and by remote handlers to store entries. The default is System.Text.Json.
/// A copy must be what was returned: the engine reads the first value of each type back and serializes it again, and a
/// type whose copy differs (another type, other bytes) is not cached.
/// </summary>
public interface ICacheSerializer
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="destination"/>.</summary>
    /// <typeparam name="T">
    /// The type to write the value as: its runtime type for copies made in this process (a value returned as its base type
    /// keeps its own state), the declared result type for the bytes that handlers store.
    /// </typeparam>
    /// <param name="value">The value.</param>
    /// <param name="destination">Where the bytes go.</param>
    void Serialize<T>(T value, IBufferWriter<byte> destination);

    /// <summary>Reads a value written by <see cref="Serialize{T}"/>.</summary>
    /// <typeparam name="T">The type the value was written as.</typeparam>
    /// <param name="source">The bytes.</param>
    /// <returns>A new instance.</returns>
    T Deserialize<T>(ReadOnlySpan<byte> source);
}
