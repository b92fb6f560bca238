using System.Collections.Concurrent;

namespace Strata;

/// <summary>
/// The front table of one cached lambda on one runtime, for lambdas whose arguments are all of types whose
/// <c>Equals</c> agrees exactly with the key encoding (strings, integers, chars, booleans, Guids, enums) and that capture
/// nothing: the arguments themselves find the memory handler's node, so a hit neither encodes nor hashes a key. The
/// node is checked exactly as a read of the handler would check it (removed, expired, tags), so the table can never
/// serve what the handler would not. It only ever holds nodes of fresh immutable entries; a removed node has already
/// let go of its entry, and the table is cleared when it reaches <see cref="Capacity"/>.
/// </summary>
internal sealed class FrontTable<TArgs>
    where TArgs : notnull
{
    public const int Capacity = 16_384;

    private readonly ConcurrentDictionary<TArgs, MemoryCacheHandler.Node> _nodes = new();

    /// <summary>Whether <typeparamref name="TArgs"/> (a value tuple of the parameters) can key a front table.</summary>
    public static bool IsSupported { get; } = Supports(typeof(TArgs));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool TryGet(TArgs args, out MemoryCacheHandler.Node? node) => _nodes.TryGetValue(args, out node);

    public void Set(TArgs args, MemoryCacheHandler.Node node)
    {
        if (_nodes.Count >= Capacity)
        {
            _nodes.Clear();
        }

        _nodes[args] = node;
    }

    public void Remove(TArgs args, MemoryCacheHandler.Node node) => _nodes.TryRemove(new KeyValuePair<TArgs, MemoryCacheHandler.Node>(args, node));

    private static bool Supports(Type type)
    {
        if (type == typeof(ValueTuple))
        {
            return true;
        }

        if (!type.IsGenericType || type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) != true)
        {
            return false;
        }

        var arguments = type.GetGenericArguments();
        return arguments.Length <= 7 && arguments.All(IsExact);
    }

    /// <summary>Types whose default equality is exactly "encodes to the same key bytes".</summary>
    private static bool IsExact(Type type) =>
        type == typeof(string) || type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) ||
        type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(char) ||
        type == typeof(bool) || type == typeof(Guid) || type.IsEnum;
}
