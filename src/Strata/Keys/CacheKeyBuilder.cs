using System.IO.Hashing;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Strata;

/// <summary>
/// Builds the key of one call from its arguments, in declaration order. Pass-through values (delegates,
/// <see cref="CancellationToken"/>, types registered with <see cref="CacheKeyPassThrough"/>) are left out.
/// Start it over stack memory (<c>new CacheKeyBuilder(function, stackalloc byte[256])</c>); it rents a larger buffer if needed
/// and returns it when the runtime consumes the builder.
/// </summary>
public ref struct CacheKeyBuilder
{
    private readonly CacheFunction _function;
    private KeyWriter _writer;
    private int _index;
    private StringBuilder? _description;

    /// <summary>Starts the key of one call of <paramref name="function"/>.</summary>
    /// <param name="function">The function being called.</param>
    /// <param name="scratch">Initial buffer, usually <c>stackalloc byte[256]</c>.</param>
    public CacheKeyBuilder(CacheFunction function, Span<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
        _writer = new KeyWriter(scratch);
        _index = 0;
        _description = CacheDebug.Describes(function) ? new StringBuilder(function.DisplayName).Append('(') : null;
    }

    /// <summary>The function whose key is being built.</summary>
    public readonly CacheFunction Function => _function;

    /// <summary>Adds the next argument.</summary>
    /// <typeparam name="T">The declared type of the parameter.</typeparam>
    /// <param name="value">The argument.</param>
    /// <exception cref="CacheKeyException">The value (or something inside it) cannot be part of a key.</exception>
    public void Add<T>(T value)
    {
        var index = _index++;
        if (_description is not null)
        {
            Describe(index, value);
        }

        if (typeof(T).IsValueType)
        {
            // Specialized per value type by the JIT: every test below but one folds away.
            if (typeof(T) == typeof(int))
            {
                KeyEncoder.WriteInt32(ref _writer, Unsafe.As<T, int>(ref value));
            }
            else if (typeof(T) == typeof(long))
            {
                KeyEncoder.WriteInt64(ref _writer, Unsafe.As<T, long>(ref value));
            }
            else if (typeof(T) == typeof(bool))
            {
                KeyEncoder.WriteBoolean(ref _writer, Unsafe.As<T, bool>(ref value));
            }
            else if (typeof(T) == typeof(double))
            {
                KeyEncoder.WriteDouble(ref _writer, Unsafe.As<T, double>(ref value));
            }
            else if (typeof(T) == typeof(decimal))
            {
                KeyEncoder.WriteDecimal(ref _writer, Unsafe.As<T, decimal>(ref value));
            }
            else if (typeof(T) == typeof(Guid))
            {
                KeyEncoder.WriteGuid(ref _writer, Unsafe.As<T, Guid>(ref value));
            }
            else if (typeof(T) == typeof(CancellationToken))
            {
                _writer.WriteByte(KeyEncoder.PassThrough);
            }
            else
            {
                KeyEncoder.WriteValue(ref _writer, value, new EncodeContext(_function.ParameterName(index)));
            }
        }
        else if (value is string s)
        {
            KeyEncoder.WriteString(ref _writer, s);
        }
        else if (CacheKeyPassThrough.IsPassThrough(typeof(T)))
        {
            // Declared pass-through (a delegate, a RenderFragment...): left out whatever its value, null included.
            _writer.WriteByte(KeyEncoder.PassThrough);
        }
        else
        {
            KeyEncoder.WriteValue(ref _writer, value, new EncodeContext(_function.ParameterName(index)));
        }
    }

    /// <summary>Skips the next argument: it is passed through and is not part of the key.</summary>
    public void AddPassThrough()
    {
        _index++;
        _writer.WriteByte(KeyEncoder.PassThrough);
        _description?.Append(_description[^1] == '(' ? "" : ", ").Append("<pass-through>");
    }

    /// <summary>
    /// Adds the variables <paramref name="function"/> captured and reads, so that they are part of the key as in Next.js.
    /// A captured <c>this</c> plays the role of a JavaScript module and is not part of the key, unless it is a Razor
    /// component (whose parameters are request data): that is an error.
    /// </summary>
    /// <param name="function">The lambda.</param>
    /// <exception cref="CacheKeyException">A captured value cannot be part of a key, or the lambda captures a component.</exception>
    public void AddCaptured(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (function.Target is not { } target)
        {
            return;
        }

        var closure = ClosureInfo.Get(target.GetType(), function.Method);
        closure.ThrowIfComponent(_function, target.GetType());
        AddCaptured(closure, target);
    }

    internal void AddCaptured(ClosureInfo closure, object target)
    {
        if (closure.Fields.Length == 0)
        {
            return;
        }

        _writer.WriteByte(KeyEncoder.Closure);
        closure.Write(ref _writer, target, ref _description);
    }

    internal CacheKey Build(long seed)
    {
        var hash = XxHash128.HashToUInt128(_writer.Written, seed);
        var description = _description?.Append(')').ToString();
        _writer.Dispose();
        return new CacheKey(hash, description);
    }

    /// <summary>Returns any rented buffer when the builder is abandoned without being consumed.</summary>
    public void Dispose() => _writer.Dispose();

    private void Describe<T>(int index, T value)
    {
        if (_description![^1] != '(')
        {
            _description.Append(", ");
        }

        _description.Append(KeyEncoder.Describe(value));
    }
}

/// <summary>The captured variables of a closure type (compiler-generated display classes), flattened and sorted by name.</summary>
internal sealed class ClosureInfo
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, MethodInfo), ClosureInfo> Cache = new();

    private ClosureInfo((string Name, FieldInfo[] Path)[] fields, bool thisIsComponent)
    {
        Fields = fields;
        ThisIsComponent = thisIsComponent;
    }

    public (string Name, FieldInfo[] Path)[] Fields { get; }

    public bool ThisIsComponent { get; }

    /// <summary>The captured variables of a closure object that <paramref name="method"/> reads.</summary>
    public static ClosureInfo Get(Type type, MethodInfo method) => Cache.GetOrAdd((type, method), static k => Create(k.Item1, k.Item2));

    private static ClosureInfo Create(Type type, MethodInfo method)
    {
        if (!KeyTypeInfo.IsCompilerGenerated(type))
        {
            // The delegate's target is the instance itself: the lambda captured only 'this'.
            return new ClosureInfo([], IsComponent(type));
        }

        // Only what the lambda reads: other lambdas of the same scope share the closure object. When the IL cannot be
        // read, every captured variable counts (more misses, never a wrong hit).
        var read = CapturedVariables.ReadFields(method);
        var fields = new List<(string, FieldInfo[])>();
        var thisIsComponent = false;
        Collect(type, [], fields, ref thisIsComponent, read, depth: 0);
        fields.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return new ClosureInfo(fields.ToArray(), thisIsComponent);
    }

    private static void Collect(Type type, FieldInfo[] prefix, List<(string, FieldInfo[])> fields, ref bool thisIsComponent, HashSet<(Module, int)>? read, int depth)
    {
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (read is not null && !read.Contains((field.Module, field.MetadataToken)))
            {
                continue;
            }

            FieldInfo[] path = [.. prefix, field];
            if (field.Name.EndsWith("__this", StringComparison.Ordinal))
            {
                thisIsComponent |= IsComponent(field.FieldType);
                continue;
            }

            if (KeyTypeInfo.IsCompilerGenerated(field.FieldType) && field.FieldType.IsClass && depth < 16)
            {
                Collect(field.FieldType, path, fields, ref thisIsComponent, read, depth + 1);
                continue;
            }

            fields.Add((field.Name, path));
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

    private static bool IsComponent(Type type) =>
        type.GetInterfaces().Any(i => i.FullName == "Microsoft.AspNetCore.Components.IComponent");

    public void Write(ref KeyWriter writer, object target, ref StringBuilder? description)
    {
        writer.WriteVarUInt((uint)Fields.Length);
        foreach (var (name, path) in Fields)
        {
            object? value = target;
            foreach (var f in path)
            {
                value = value is null ? null : f.GetValue(value);
            }

            writer.WriteStringPayload(name);
            if (CacheKeyPassThrough.IsPassThrough(path[^1].FieldType))
            {
                writer.WriteByte(KeyEncoder.PassThrough);
                continue;
            }

            if (value is not null && KeyTypeInfo.Get(value.GetType()) is { Kind: KeyTypeKind.Unsupported, IsService: true })
            {
                // A captured service (a DbContext, a repository...) is shared infrastructure, like a module import in
                // JavaScript or the instance of a [UseCache] method: it is not part of the key.
                writer.WriteByte(KeyEncoder.Service);
                description?.Append(description[^1] == '(' ? "" : ", ").Append(name).Append("=<service>");
                continue;
            }

            KeyEncoder.WriteValue(ref writer, value, new EncodeContext(name, captured: true));
            description?.Append(description[^1] == '(' ? "" : ", ").Append(name).Append('=').Append(KeyEncoder.Describe(value));
        }
    }
}
