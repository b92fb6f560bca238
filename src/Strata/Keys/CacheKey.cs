using System.Globalization;

namespace Strata;

/// <summary>
/// The identity of one cache entry: a 128-bit hash (XxHash128) of the build id, the function id, the cache kind and the
/// canonical encoding of the arguments and captured values. Two calls get the same key exactly when their encoded inputs
/// are equal; the key is the same in every process of the same build, so a remote cache is shared between instances.
/// </summary>
public readonly struct CacheKey : IEquatable<CacheKey>
{
    /// <summary>Creates a key from its hash and an optional readable description.</summary>
    /// <param name="hash">The 128-bit hash that identifies the entry.</param>
    /// <param name="description">A readable form (function and arguments), kept only when debug logging is on; may be <see langword="null"/>.</param>
    public CacheKey(UInt128 hash, string? description = null)
    {
        Hash = hash;
        Description = description;
    }

    /// <summary>The 128-bit hash that identifies the entry.</summary>
    public UInt128 Hash { get; }

    /// <summary>A readable form of the key (function and arguments) when <c>STRATA_DEBUG_CACHE=1</c>; otherwise <see langword="null"/>.</summary>
    public string? Description { get; }

    /// <summary>The key as 32 lowercase hexadecimal characters: what a remote handler stores it under.</summary>
    public override string ToString() => Hash.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Parses the 32-character hexadecimal form written by <see cref="ToString"/>.</summary>
    /// <param name="text">The hexadecimal key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">The text is not 32 hexadecimal characters.</exception>
    public static CacheKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != 32 || !UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash))
        {
            throw new FormatException($"\"{text}\" is not a cache key: expected 32 hexadecimal characters, as written by CacheKey.ToString().");
        }

        return new CacheKey(hash);
    }

    /// <inheritdoc />
    public bool Equals(CacheKey other) => Hash == other.Hash;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)(ulong)Hash ^ (int)(ulong)(Hash >> 64);

    /// <summary>Compares two keys by hash.</summary>
    public static bool operator ==(CacheKey left, CacheKey right) => left.Equals(right);

    /// <summary>Compares two keys by hash.</summary>
    public static bool operator !=(CacheKey left, CacheKey right) => !left.Equals(right);
}
