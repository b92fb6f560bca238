using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Strata;

/// <summary>
/// What makes a System.Text.Json copy of a value differ from the value, read from the serializer's own contracts (so
/// <c>[JsonInclude]</c>, <c>[JsonIgnore]</c>, <c>[JsonConstructor]</c>, <c>[JsonDerivedType]</c> and source-generated
/// contexts count): state that no contract member restores, members declared as <see cref="object"/> (copied as a
/// <see cref="JsonElement"/>), interfaces and abstract types JSON cannot create, stacks (read back reversed) and collections
/// with state of their own (JSON writes only their items). Values of a derived type in a slot of a base type are caught
/// per value, while they are written (<see cref="RejectDerivedValues"/>).
/// </summary>
internal static class JsonFidelity
{
    private const BindingFlags InstanceFields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>
    /// A contract modifier: a value whose runtime type is not the declared type of the slot it is written from (a member,
    /// an item, or the root read back by its declared type) fails to serialize, since JSON would write only the declared
    /// type's members and read back a value of the declared type. Declared types with <c>[JsonDerivedType]</c> are exempt.
    /// </summary>
    public static void RejectDerivedValues(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.IsSealed || info.Type.IsValueType || info.PolymorphismOptions is not null)
        {
            return;
        }

        var declared = info.Type;
        var previous = info.OnSerializing;
        info.OnSerializing = value =>
        {
            if (value.GetType() != declared)
            {
                var actual = CacheValues.Display(value.GetType());
                var slot = CacheValues.Display(declared);
                throw new NotSupportedException(
                    $"a {actual} is held where {slot} is declared, and JSON writes and reads it as {slot}, so a copy would lose the rest of it (declare it as {actual}, or list {actual} on {slot} with [JsonDerivedType])");
            }

            previous?.Invoke(value);
        };
    }

    /// <summary>Why a JSON copy of a <paramref name="type"/> (as a runtime type) would not be faithful; <see langword="null"/> when it would.</summary>
    public static string? WhyNot(JsonSerializerOptions options, Type type) => Check(options, type, path: null, []);

    private static string? Check(JsonSerializerOptions options, Type type, string? path, HashSet<Type> visited)
    {
        if (!visited.Add(type))
        {
            return null; // checked already, or being checked further up
        }

        var subject = path is null ? CacheValues.Display(type) : $"its member {path} ({CacheValues.Display(type)})";
        JsonTypeInfo info;
        try
        {
            info = options.GetTypeInfo(type);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return $"{subject} cannot be serialized: {CacheValues.FirstLine(ex.Message)}";
        }

        var prefix = path ?? CacheValues.Display(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.None:
                return type == typeof(object) ? $"{subject} is declared as object, and a JSON copy of it would be a JsonElement" : null;
            case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary:
                if (IsStack(type))
                {
                    return $"{subject} is a stack, which JSON reads back in reverse order";
                }

                if (StrataFeatures.IsReflectionEnabled && OwnCollectionState(type) is { } own)
                {
                    return $"{subject} is a collection with state of its own ('{own.Name}'), but JSON writes only its items";
                }

                return (info.KeyType is { } key ? Check(options, key, prefix + ".Keys", visited) : null)
                    ?? (info.ElementType is { } item ? Check(options, item, prefix + "[]", visited) : null);
            default:
                if (info.PolymorphismOptions is { } polymorphism)
                {
                    foreach (var derived in polymorphism.DerivedTypes)
                    {
                        if (derived.DerivedType != type && Check(options, derived.DerivedType, path, visited) is { } problem)
                        {
                            return problem;
                        }
                    }

                    if (type.IsInterface || type.IsAbstract)
                    {
                        return null;
                    }
                }
                else if (type.IsInterface || type.IsAbstract)
                {
                    return $"{subject} is an interface or abstract type, which JSON cannot create (list its implementations on it with [JsonDerivedType])";
                }

                if (StrataFeatures.IsReflectionEnabled && State(info) is { } reason)
                {
                    return $"{subject} {reason}";
                }

                foreach (var property in info.Properties)
                {
                    if (property.Get is not null && Check(options, property.PropertyType, prefix + "." + property.Name, visited) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
        }
    }

    /// <summary>
    /// The first instance field of the type that the contract does not restore, as a reason. Not checked in trimmed and
    /// Native AOT apps (fields read by reflection may be incomplete there; the round trip check still runs).
    /// </summary>
    [RequiresUnreferencedCode("Reads the fields of a type known at run time.")]
    private static string? State(JsonTypeInfo info)
    {
        for (var t = info.Type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(InstanceFields))
            {
                var property = Restoring(info, field);
                if (property is null)
                {
                    return field.IsPublic
                        ? $"has a public field '{field.Name}' that the serializer does not write (set IncludeFields)"
                        : $"has state the serializer cannot see: the non-public {(BackingName(field) is { } name ? $"property '{name}'" : $"field '{field.Name}'")}";
                }

                if (property.Get is null)
                {
                    return $"has {Describe(property)} that the serializer ignores";
                }

                if (property.Set is null && property.AssociatedParameter is null)
                {
                    var how = property.AttributeProvider is PropertyInfo { SetMethod: { IsPublic: false } }
                        ? "whose setter is not public (mark it [JsonInclude])"
                        : $"that is read-only and that no constructor parameter sets (add an init accessor, or a constructor parameter named '{JsonName(property)}')";
                    return IsOwn(property, field) ? $"has {Describe(property)} {how}" : $"keeps '{field.Name}' behind {Describe(property)}, {how}";
                }
            }
        }

        return null;
    }

    /// <summary>The contract member that writes and restores <paramref name="field"/>: the field itself, the property it backs, or the property named like it.</summary>
    private static JsonPropertyInfo? Restoring(JsonTypeInfo info, FieldInfo field)
    {
        var name = BackingName(field) ?? field.Name.TrimStart('_');
        if (name.StartsWith("m_", StringComparison.Ordinal))
        {
            name = name[2..];
        }

        JsonPropertyInfo? similar = null;
        foreach (var property in info.Properties)
        {
            if (property.AttributeProvider is not MemberInfo member)
            {
                continue;
            }

            if (member == field || member.Name == name)
            {
                return property;
            }

            if (similar is null && string.Equals(member.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                similar = property;
            }
        }

        return similar;
    }

    private static bool IsOwn(JsonPropertyInfo property, FieldInfo field) =>
        property.AttributeProvider is MemberInfo member && (member == field || member.Name == BackingName(field));

    /// <summary>The member a compiler-generated field belongs to: <c>&lt;Name&gt;k__BackingField</c>, an anonymous type's <c>&lt;Name&gt;i__Field</c>, a primary constructor's <c>&lt;name&gt;P</c>.</summary>
    private static string? BackingName(FieldInfo field) =>
        field.Name.StartsWith('<') && field.Name.IndexOf('>', StringComparison.Ordinal) is > 1 and var end ? field.Name[1..end] : null;

    private static string Describe(JsonPropertyInfo property) =>
        property.AttributeProvider is FieldInfo field ? $"the field '{field.Name}'" : $"the property '{((MemberInfo?)property.AttributeProvider)?.Name ?? property.Name}'";

    private static string JsonName(JsonPropertyInfo property)
    {
        var name = ((MemberInfo?)property.AttributeProvider)?.Name ?? property.Name;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static bool IsStack(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() is var definition &&
                (definition == typeof(Stack<>) || definition == typeof(ConcurrentStack<>) || definition == typeof(ImmutableStack<>)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A field of a collection type declared outside the framework (JSON writes a collection as its items only).</summary>
    [RequiresUnreferencedCode("Reads the fields of a type known at run time.")]
    private static FieldInfo? OwnCollectionState(Type type)
    {
        for (var t = type; t is not null && !IsFramework(t); t = t.BaseType)
        {
            if (t.GetFields(InstanceFields).FirstOrDefault() is { } field)
            {
                return field;
            }
        }

        return null;
    }

    private static bool IsFramework(Type type) =>
        type.Assembly.GetName().Name is { } name && (name == "System.Private.CoreLib" || name == "netstandard" || name.StartsWith("System.", StringComparison.Ordinal));
}
