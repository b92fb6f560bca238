using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Strata;

internal enum KeyTypeKind
{
    Unsupported,
    PassThrough,
    Boolean,
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Int128,
    UInt128,
    IntPtr,
    UIntPtr,
    Char,
    Single,
    Double,
    Half,
    Decimal,
    BigInteger,
    String,
    Guid,
    DateTime,
    DateTimeOffset,
    DateOnly,
    TimeOnly,
    TimeSpan,
    Uri,
    Version,
    Enum,
    ByteArray,
    ReadOnlyMemoryOfByte,
    MemoryOfByte,
    ArraySegmentOfByte,
    Culture,
    TimeZone,
    Encoding,
    Region,
    Delegate,
    Sequence,
    Dictionary,
    Set,
    Object,
}

/// <summary>How values of one runtime type are encoded into a key; computed once per type.</summary>
internal sealed class KeyTypeInfo
{
    private static readonly ConcurrentDictionary<Type, KeyTypeInfo> Cache = new();

    private KeyTypeInfo(Type type, KeyTypeKind kind)
    {
        Type = type;
        Kind = kind;
        TypeName = ReadableName(type);
        IsComponent = IsComponentType(type);
    }

    public Type Type { get; }

    public KeyTypeKind Kind { get; }

    /// <summary>A stable, assembly-version-free name written into keys of objects and enums.</summary>
    public string TypeName { get; }

    /// <summary>Why the type cannot be encoded (Unsupported only).</summary>
    public string? Reason { get; private init; }

    /// <summary>A Razor component: its parameters and state are request data, so capturing one is refused.</summary>
    public bool IsComponent { get; }

    /// <summary>Request state (HttpContext, ClaimsPrincipal...): never infrastructure, refused wherever it is met.</summary>
    public bool IsRequestState { get; private init; }

    /// <summary>The members of an Object, sorted by name (Ordinal).</summary>
    public KeyMember[] Members { get; private init; } = [];

    /// <summary>The underlying type of an Enum.</summary>
    public Type? EnumUnderlying { get; private init; }

    public static KeyTypeInfo Get(Type type) => Cache.GetOrAdd(type, static t => Create(t));

    public static string ReadableName(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return ReadableName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        var name = type.IsNested ? ReadableName(type.DeclaringType!) + "+" + type.Name : (type.Namespace is { } ns ? ns + "." + type.Name : type.Name);
        if (!type.IsGenericType)
        {
            return name;
        }

        // A type nested in a generic type carries the type arguments of its enclosing types too: name them all, so that
        // Outer<int>.Inner and Outer<string>.Inner differ.
        return name + "[" + string.Join(",", type.GetGenericArguments().Select(ReadableName)) + "]";
    }

    private static KeyTypeInfo Create(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Get(underlying);
        }

        var kind = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => KeyTypeKind.Boolean,
            TypeCode.SByte => KeyTypeKind.SByte,
            TypeCode.Byte => KeyTypeKind.Byte,
            TypeCode.Int16 => KeyTypeKind.Int16,
            TypeCode.UInt16 => KeyTypeKind.UInt16,
            TypeCode.Int32 => KeyTypeKind.Int32,
            TypeCode.UInt32 => KeyTypeKind.UInt32,
            TypeCode.Int64 => KeyTypeKind.Int64,
            TypeCode.UInt64 => KeyTypeKind.UInt64,
            TypeCode.Char => KeyTypeKind.Char,
            TypeCode.Single => KeyTypeKind.Single,
            TypeCode.Double => KeyTypeKind.Double,
            TypeCode.Decimal => KeyTypeKind.Decimal,
            TypeCode.String => KeyTypeKind.String,
            TypeCode.DateTime => KeyTypeKind.DateTime,
            _ => KeyTypeKind.Unsupported,
        };

        if (type.IsEnum)
        {
            return new KeyTypeInfo(type, KeyTypeKind.Enum) { EnumUnderlying = Enum.GetUnderlyingType(type) };
        }

        if (kind != KeyTypeKind.Unsupported)
        {
            return new KeyTypeInfo(type, kind);
        }

        kind = type switch
        {
            _ when type == typeof(Int128) => KeyTypeKind.Int128,
            _ when type == typeof(UInt128) => KeyTypeKind.UInt128,
            _ when type == typeof(nint) => KeyTypeKind.IntPtr,
            _ when type == typeof(nuint) => KeyTypeKind.UIntPtr,
            _ when type == typeof(Half) => KeyTypeKind.Half,
            _ when type == typeof(BigInteger) => KeyTypeKind.BigInteger,
            _ when type == typeof(Guid) => KeyTypeKind.Guid,
            _ when type == typeof(DateTimeOffset) => KeyTypeKind.DateTimeOffset,
            _ when type == typeof(DateOnly) => KeyTypeKind.DateOnly,
            _ when type == typeof(TimeOnly) => KeyTypeKind.TimeOnly,
            _ when type == typeof(TimeSpan) => KeyTypeKind.TimeSpan,
            _ when typeof(Uri).IsAssignableFrom(type) => KeyTypeKind.Uri,
            _ when type == typeof(Version) => KeyTypeKind.Version,
            _ when type == typeof(byte[]) => KeyTypeKind.ByteArray,
            _ when type == typeof(ReadOnlyMemory<byte>) => KeyTypeKind.ReadOnlyMemoryOfByte,
            _ when type == typeof(Memory<byte>) => KeyTypeKind.MemoryOfByte,
            _ when type == typeof(ArraySegment<byte>) => KeyTypeKind.ArraySegmentOfByte,
            _ when type == typeof(CultureInfo) => KeyTypeKind.Culture,
            _ when type == typeof(TimeZoneInfo) => KeyTypeKind.TimeZone,
            _ when type == typeof(RegionInfo) => KeyTypeKind.Region,
            _ when typeof(Encoding).IsAssignableFrom(type) && type.Assembly == typeof(Encoding).Assembly => KeyTypeKind.Encoding,
            _ => KeyTypeKind.Unsupported,
        };
        if (kind != KeyTypeKind.Unsupported)
        {
            return new KeyTypeInfo(type, kind);
        }

        if (CacheKeyPassThrough.IsPassThrough(type))
        {
            return new KeyTypeInfo(type, KeyTypeKind.PassThrough);
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            // Keyed by identity: the method, then what its target holds (see DelegateKey).
            return new KeyTypeInfo(type, KeyTypeKind.Delegate);
        }

        if (IsOneOf(type, KeyTypeNames.RequestState))
        {
            return new KeyTypeInfo(type, KeyTypeKind.Unsupported)
            {
                Reason = "is request state, not plain data; read the values the function needs (an id, a culture, a user id) outside it and pass them instead",
                IsRequestState = true,
            };
        }

        if (Unsupported(type) is { } reason)
        {
            return new KeyTypeInfo(type, KeyTypeKind.Unsupported) { Reason = reason };
        }

        if (Implements(type, typeof(IDictionary<,>)) || Implements(type, typeof(IReadOnlyDictionary<,>)) || typeof(IDictionary).IsAssignableFrom(type))
        {
            return new KeyTypeInfo(type, KeyTypeKind.Dictionary);
        }

        if (Implements(type, typeof(ISet<>)) || Implements(type, typeof(IReadOnlySet<>)))
        {
            return new KeyTypeInfo(type, KeyTypeKind.Set);
        }

        if (type.IsArray || typeof(ICollection).IsAssignableFrom(type) || Implements(type, typeof(ICollection<>)) || Implements(type, typeof(IReadOnlyCollection<>)))
        {
            if (type.IsArray && type.GetArrayRank() != 1)
            {
                return new KeyTypeInfo(type, KeyTypeKind.Unsupported) { Reason = "is a multi-dimensional array; use a jagged array or a list" };
            }

            return new KeyTypeInfo(type, KeyTypeKind.Sequence);
        }

        return CreateObject(type);
    }

    private static string? Unsupported(Type type)
    {
        if (type.IsPointer || type.IsByRef || type.IsByRefLike)
        {
            return "is a pointer or by-ref type";
        }

        if (typeof(Stream).IsAssignableFrom(type))
        {
            return "is a stream, whose content cannot be part of a key; read it and pass the data (e.g. a byte[]) instead";
        }

        if (typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return "is a task; await it outside the cached function and pass its result instead";
        }

        if (typeof(MemberInfo).IsAssignableFrom(type) || typeof(Assembly).IsAssignableFrom(type) || typeof(Module).IsAssignableFrom(type))
        {
            return "is a reflection object (Type, MethodInfo, Assembly...)";
        }

        if (type == typeof(object))
        {
            return "is a bare object with no data";
        }

        if (KeyInfrastructure.IsFrameworkService(type))
        {
            return "is a service, not plain data; pass the values that select the data (an id, a filter) instead";
        }

        if (typeof(IQueryable).IsAssignableFrom(type))
        {
            return "is a query (IQueryable); run it outside the cached function, or pass the values that select the data instead";
        }

        if (typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && !typeof(System.Collections.ICollection).IsAssignableFrom(type) &&
            !Implements(type, typeof(ICollection<>)) && !Implements(type, typeof(IReadOnlyCollection<>)))
        {
            return "is a lazily evaluated sequence (an IEnumerable that is not a collection); materialize it with ToArray() or ToList() before passing it";
        }

        if (typeof(IDisposable).IsAssignableFrom(type) || typeof(IAsyncDisposable).IsAssignableFrom(type))
        {
            return "is disposable, which marks a service or a resource rather than plain data";
        }

        return null;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = StrataFeatures.InterfacesKept)]
    private static bool IsOneOf(Type type, string[] names)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (Array.IndexOf(names, t.FullName) >= 0)
            {
                return true;
            }
        }

        foreach (var i in type.GetInterfaces())
        {
            if (Array.IndexOf(names, i.FullName) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A plain data object: its members as the generator registered them (<see cref="Generated.KeyedTypes"/>), else
    /// as reflection finds them (<see cref="ReflectObject"/>); both give the same members. With reflection off
    /// (<see cref="StrataFeatures"/>) an unregistered type is refused.
    /// </summary>
    private static KeyTypeInfo CreateObject(Type type)
    {
        if (Generated.KeyedTypes.TryGet(type, out var members))
        {
            return new KeyTypeInfo(type, KeyTypeKind.Object) { Members = members };
        }

        return StrataFeatures.IsReflectionEnabled
            ? ReflectObject(type)
            : new KeyTypeInfo(type, KeyTypeKind.Unsupported)
            {
                Reason = "has no key members generated by Strata's source generator (it registers the records, classes and structs declared in your project whose fields it can all see), and reading its fields by reflection is off in trimmed and Native AOT apps; pass such a type, or the values the function needs",
            };
    }

    /// <summary>A plain data object's members found by reflection over its fields (the reference for generated members).</summary>
    [RequiresUnreferencedCode("Reads the fields and properties of a type known at run time.")]
    internal static KeyTypeInfo ReflectObject(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            return new KeyTypeInfo(type, KeyTypeKind.Object)
            {
                Members =
                [
                    KeyMember.ForProperty(type.GetProperty("Key")!),
                    KeyMember.ForProperty(type.GetProperty("Value")!),
                ],
            };
        }

        if (type.FullName is { } fullName && fullName.StartsWith("System.Tuple`", StringComparison.Ordinal))
        {
            return new KeyTypeInfo(type, KeyTypeKind.Object)
            {
                Members = type.GetProperties().Where(p => p.Name.StartsWith("Item", StringComparison.Ordinal) || p.Name == "Rest")
                    .Select(KeyMember.ForProperty).OrderBy(m => m.Name, StringComparer.Ordinal).ToArray(),
            };
        }

        var members = new List<KeyMember>();
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.IsPublic)
                {
                    members.Add(KeyMember.ForField(field, field.Name));
                    continue;
                }

                var name = BackingFieldOwner(field.Name);
                var property = name is null ? null : t.GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
                if (property is null || property.GetMethod is not { IsPublic: true })
                {
                    var state = field.Name is ['<', .. var parameter, '>', 'P'] ? $"the primary constructor parameter '{parameter}'" : $"'{name ?? field.Name}'";
                    return new KeyTypeInfo(type, KeyTypeKind.Unsupported)
                    {
                        Reason = $"has non-public state ({state}), so it is not plain data (a record or a class whose state is public properties)",
                    };
                }

                members.Add(KeyMember.ForField(field, property.Name));
            }
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new KeyTypeInfo(type, KeyTypeKind.Object) { Members = members.ToArray() };
    }

    /// <summary>The property an auto-property (<c>&lt;X&gt;k__BackingField</c>) or anonymous-type (<c>&lt;X&gt;i__Field</c>) field belongs to.</summary>
    private static string? BackingFieldOwner(string fieldName)
    {
        if (fieldName.Length > 2 && fieldName[0] == '<')
        {
            var end = fieldName.IndexOf('>', StringComparison.Ordinal);
            if (end > 1 && (fieldName.AsSpan(end).SequenceEqual(">k__BackingField") || fieldName.AsSpan(end).SequenceEqual(">i__Field")))
            {
                return fieldName[1..end];
            }
        }

        return null;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = StrataFeatures.InterfacesKept)]
    internal static bool Implements(Type type, Type genericInterface)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == genericInterface)
        {
            return true;
        }

        foreach (var i in type.GetInterfaces())
        {
            if (i.IsGenericType && i.GetGenericTypeDefinition() == genericInterface)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the type is a Razor component (by name: the engine does not reference ASP.NET Core).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = StrataFeatures.InterfacesKept)]
    internal static bool IsComponentType(Type type) =>
        type.GetInterfaces().Any(i => i.FullName == "Microsoft.AspNetCore.Components.IComponent");

    internal static bool IsCompilerGenerated(Type type) => type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);
}

/// <summary>One encoded member of a plain data object.</summary>
internal sealed class KeyMember
{
    private readonly Func<object, object?> _get;

    private KeyMember(string name, Type declaredType, Func<object, object?> get)
    {
        Name = name;
        DeclaredType = declaredType;
        _get = get;
    }

    public string Name { get; }

    /// <summary>The member's declared type (a pass-through type is left out of the key whatever its value).</summary>
    public Type DeclaredType { get; }

    /// <summary>Whether the member's declared type is pass-through: it is left out of the key whatever its value.</summary>
    public bool IsPassThrough => CacheKeyPassThrough.IsPassThrough(DeclaredType);

    public static KeyMember ForField(FieldInfo field, string name) => new(name, field.FieldType, field.GetValue);

    public static KeyMember ForProperty(PropertyInfo property) => new(property.Name, property.PropertyType, property.GetValue);

    /// <summary>A member read by a getter the source generator wrote.</summary>
    public static KeyMember ForGetter(string name, Type declaredType, Func<object, object?> get) => new(name, declaredType, get);

    public object? GetValue(object instance) => _get(instance);
}
