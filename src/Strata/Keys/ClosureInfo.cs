using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;

namespace Strata;

/// <summary>
/// The captured variables a delegate's method reads from its target, flattened (a closure refers to the closures of
/// enclosing scopes) and sorted by name. When the target is not a compiler-generated closure, the method belongs to the
/// target itself (a lambda that captured only <c>this</c>, or a method group): the target is the one captured value.
/// </summary>
internal sealed class ClosureInfo
{
    private static readonly ConcurrentDictionary<(Type, MethodInfo), ClosureInfo> Cache = new();

    private ClosureInfo(MethodInfo method, CapturedField[] fields, bool thisIsComponent)
    {
        Method = method;
        Fields = fields;
        ThisIsComponent = thisIsComponent;
    }

    /// <summary>The method whose reads these are.</summary>
    public MethodInfo Method { get; }

    public CapturedField[] Fields { get; }

    /// <summary>Whether the method captured <c>this</c> and <c>this</c> is a Razor component.</summary>
    public bool ThisIsComponent { get; }

    /// <summary>The captured variables of a target of <paramref name="type"/> that <paramref name="method"/> reads.</summary>
    public static ClosureInfo Get(Type type, MethodInfo method) => Cache.GetOrAdd((type, method), static k => Create(k.Item1, k.Item2));

    private static ClosureInfo Create(Type type, MethodInfo method)
    {
        if (!KeyTypeInfo.IsCompilerGenerated(type))
        {
            return new ClosureInfo(method, [new CapturedField("this", type, [])], KeyTypeInfo.IsComponentType(type));
        }

        // Only what the method reads: other lambdas of the same scope share the closure object. When the IL cannot be
        // analyzed, every captured variable counts (more misses, never a wrong hit).
        var read = CapturedVariables.ReadFields(method);
        var fields = new List<CapturedField>();
        var thisIsComponent = false;
        Collect(type, [], fields, ref thisIsComponent, read, [type]);
        fields.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : string.CompareOrdinal(a.FullPath, b.FullPath));
        return new ClosureInfo(method, fields.ToArray(), thisIsComponent);
    }

    private static void Collect(Type type, FieldInfo[] prefix, List<CapturedField> fields, ref bool thisIsComponent, HashSet<(Module, int)>? read, HashSet<Type> visited)
    {
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (read is not null && !read.Contains((field.Module, field.MetadataToken)))
            {
                continue;
            }

            FieldInfo[] path = [.. prefix, field];
            if (KeyTypeInfo.IsCompilerGenerated(field.FieldType) && field.FieldType.IsClass && visited.Add(field.FieldType))
            {
                // The closure of an enclosing scope.
                Collect(field.FieldType, path, fields, ref thisIsComponent, read, visited);
                continue;
            }

            var isThis = field.Name.EndsWith("__this", StringComparison.Ordinal);
            thisIsComponent |= isThis && KeyTypeInfo.IsComponentType(field.FieldType);
            fields.Add(new CapturedField(isThis ? "this" : field.Name, field.FieldType, path));
        }
    }

    public void ThrowIfComponent(CacheFunction function, Type targetType)
    {
        if (ThisIsComponent)
        {
            throw new CacheKeyException(
                $"The cached lambda {function.DisplayName} captures 'this', a Razor component ({KeyTypeInfo.ReadableName(targetType)}). " +
                "A component's parameters and state are request data and would not be part of the key. " +
                "Copy the values the lambda needs into local variables (which are captured into the key), or pass them as arguments.",
                "this",
                "this",
                targetType);
        }
    }

    /// <summary>
    /// Whether every variable <paramref name="target"/> captures is left out of the key as an earlier key of this closure
    /// left it out (a service the container resolves, or a pass-through variable), for the current runtime and the current
    /// pass-through registrations: the closure's part of the key is then the same for every call (each variable's name and
    /// its marker), so a hit may be found by the arguments alone. Checks each service's runtime type; never true before one
    /// key was written the full way.
    /// </summary>
    public bool IsKnownLeftOut(object target)
    {
        var stamp = KeyInfrastructure.Stamp();
        foreach (var field in Fields)
        {
            if (!field.IsKnownLeftOut(field.GetValue(target), stamp))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes the captured variables of <paramref name="target"/>: with the captured-value rule, each named by its
    /// variable (a new root in errors) or, inside a delegate being keyed, by its path from <paramref name="parent"/>.
    /// </summary>
    public void Write(ref KeyWriter writer, object target, EncodeContext? parent, ref StringBuilder? description)
    {
        if (parent is null && description is null && IsKnownLeftOut(target))
        {
            WriteKnownLeftOut(ref writer);
            return;
        }

        var stamp = KeyInfrastructure.Stamp();
        var context = parent ?? new EncodeContext("", captured: true);
        writer.WriteVarUInt((uint)Fields.Length);
        context.EnterFunction(target, Method);
        foreach (var field in Fields)
        {
            var value = field.GetValue(target);
            writer.WriteStringPayload(field.Name);
            if (parent is null)
            {
                context.Root = field.Name;
                var keyed = KeyEncoder.WriteCaptured(ref writer, value, field.DeclaredType, context, out var leftOut);
                if (leftOut != 0)
                {
                    field.RememberLeftOut(leftOut == KeyEncoder.Service ? value!.GetType() : null, leftOut, stamp);
                }

                // Only what is keyed is described: describing a service could run its code (a query, for one).
                description?.Append(description[^1] == '(' ? "" : ", ").Append(field.Name).Append('=').Append(keyed ? KeyEncoder.Describe(value) : "<left out>");
            }
            else
            {
                context.Push(field.Name, isIndex: false);
                KeyEncoder.WriteCaptured(ref writer, value, field.DeclaredType, context, out _);
                context.Pop();
            }
        }

        context.LeaveFunction();
    }

    /// <summary>
    /// Writes the bytes the full way of <see cref="Write(ref KeyWriter, object, EncodeContext?, ref StringBuilder?)"/> wrote
    /// when it decided on these variables; only after <see cref="IsKnownLeftOut"/> returned true for the target.
    /// </summary>
    public void WriteKnownLeftOut(ref KeyWriter writer)
    {
        writer.WriteVarUInt((uint)Fields.Length);
        foreach (var field in Fields)
        {
            writer.WriteStringPayload(field.Name);
            writer.WriteByte(field.LeftOutAs);
        }
    }

    /// <inheritdoc cref="Write(ref KeyWriter, object, EncodeContext?, ref StringBuilder?)"/>
    public void Write(ref KeyWriter writer, object target, EncodeContext parent)
    {
        StringBuilder? none = null;
        Write(ref writer, target, parent, ref none);
    }
}

/// <summary>One captured variable: its name, declared type, and how to read it from the delegate's target (a compiled accessor).</summary>
internal sealed class CapturedField
{
    private readonly Func<object, object?> _read;
    private volatile KnownLeftOut? _leftOut;

    public CapturedField(string name, Type declaredType, FieldInfo[] path)
    {
        Name = name;
        DeclaredType = declaredType;
        FullPath = string.Join(".", path.Select(f => f.Name));
        _read = path.Length == 0 ? static target => target : Compile(path);
    }

    public string Name { get; }

    public Type DeclaredType { get; }

    /// <summary>The field path from the target (orders variables of the same name deterministically).</summary>
    public string FullPath { get; }

    public object? GetValue(object target) => _read(target);

    /// <summary>
    /// Whether this variable's <paramref name="value"/> is left out of the key as it was when <see cref="RememberLeftOut"/>
    /// recorded it under the same stamp: the variable is of a pass-through type, or the value is of the service type it held then.
    /// </summary>
    public bool IsKnownLeftOut(object? value, InfrastructureStamp stamp) =>
        _leftOut is { } known && known.Stamp == stamp && (known.ValueType is null || (value is not null && known.ValueType == value.GetType()));

    /// <summary>The marker written for this variable when <see cref="IsKnownLeftOut"/> is true.</summary>
    public byte LeftOutAs => _leftOut!.Marker;

    /// <summary>
    /// Records that this variable was left out with <paramref name="marker"/>: for any value (<paramref name="valueType"/>
    /// null: a pass-through variable) or for values of <paramref name="valueType"/> (a service), under <paramref name="stamp"/>
    /// (read before deciding).
    /// </summary>
    public void RememberLeftOut(Type? valueType, byte marker, InfrastructureStamp stamp) => _leftOut = new KnownLeftOut(valueType, marker, stamp);

    private sealed record KnownLeftOut(Type? ValueType, byte Marker, InfrastructureStamp Stamp);

    private static Func<object, object?> Compile(FieldInfo[] path)
    {
        var target = Expression.Parameter(typeof(object), "target");
        Expression value = Expression.Convert(target, path[0].DeclaringType!);
        foreach (var field in path)
        {
            value = Expression.Field(value, field);
        }

        return Expression.Lambda<Func<object, object?>>(Expression.Convert(value, typeof(object)), target).Compile();
    }
}
