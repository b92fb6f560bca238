using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Strata.Generated;

/// <summary>
/// The classes that have <c>[UseCache]</c> methods, each with the sealed subclass Strata's source generator wrote for it.
/// Generated code registers its pairs here from a module initializer; <c>AddStrata()</c> reads them to replace the
/// dependency-injection registrations of those classes by their cached subclasses. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CachedTypes
{
    private static readonly ConcurrentDictionary<Type, Subclass> Subclasses = new();

    /// <summary>Records that <paramref name="cachedType"/> is the cached subclass of <paramref name="type"/>.</summary>
    /// <param name="type">The class with <c>[UseCache]</c> methods.</param>
    /// <param name="cachedType">The generated subclass that caches them.</param>
    /// <exception cref="ArgumentException"><paramref name="cachedType"/> does not derive from <paramref name="type"/>.</exception>
    /// <remarks>
    /// The annotation keeps the cached subclass's constructors in trimmed applications: the container creates it from its
    /// type, and the generated <c>typeof(...)</c> is the only reference to it.
    /// </remarks>
    public static void Register(Type type, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type cachedType)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(cachedType);
        if (cachedType == type || !type.IsAssignableFrom(cachedType))
        {
            throw new ArgumentException($"{cachedType} is not a subclass of {type}.", nameof(cachedType));
        }

        Subclasses[type] = new Subclass(cachedType);
    }

    /// <summary>The cached subclass of <paramref name="type"/>, if the generator wrote one.</summary>
    /// <param name="type">A class.</param>
    /// <param name="cachedType">The cached subclass.</param>
    /// <returns>Whether <paramref name="type"/> has a cached subclass.</returns>
    public static bool TryGetCachedType(
        Type type,
        [NotNullWhen(true), DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] out Type? cachedType)
    {
        ArgumentNullException.ThrowIfNull(type);
        cachedType = Subclasses.TryGetValue(type, out var subclass) ? subclass.Type : null;
        return cachedType is not null;
    }

    /// <summary>Every registered pair: class → cached subclass.</summary>
    public static IReadOnlyDictionary<Type, Type> All => Subclasses.ToDictionary(p => p.Key, p => p.Value.Type);

    /// <summary>
    /// Runs the module initializers of <paramref name="type"/>'s module (once), so that its generated registrations and
    /// cache kinds are known even before any of its code has run.
    /// </summary>
    /// <param name="type">A type whose module may hold generated code.</param>
    internal static void EnsureModuleInitialized(Type type)
    {
        if (!type.Assembly.IsDynamic)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(type.Module.ModuleHandle);
        }
    }

    /// <summary>A cached subclass, kept with its constructors in trimmed applications (the container creates it from its type).</summary>
    private sealed class Subclass([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type)
    {
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
        public Type Type { get; } = type;
    }
}
