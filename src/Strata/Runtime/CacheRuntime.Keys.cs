using System.Collections.Concurrent;

namespace Strata;

public sealed partial class CacheRuntime
{
    /// <summary>
    /// Which captured types are infrastructure on this runtime (its DI container decides part of it), by the value's type
    /// and the declared type of the variable; filled by <see cref="KeyInfrastructure"/>.
    /// </summary>
    internal ConcurrentDictionary<(Type Value, Type Declared), bool> InfrastructureTypes { get; } = new();
}
