using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;

namespace Strata.Generated;

/// <summary>
/// Builds the key of one call from its arguments, in declaration order. Arguments are plain data; a delegate is keyed by
/// identity (its method, and what its target captured); <see cref="CancellationToken"/> and types registered with
/// <see cref="CacheKeyPassThrough"/> are left out.
/// Start it over stack memory (<c>new CacheKeyBuilder(function, stackalloc byte[256])</c>); it rents a larger buffer if needed
/// and returns it when the runtime consumes the builder.
/// </summary>
public ref struct CacheKeyBuilder
{
    /// <summary>What key encoding reads of a record or class: its fields (to find its state) and public properties (the values).</summary>
    internal const DynamicallyAccessedMemberTypes KeyMembers =
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields;

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
    /// <typeparam name="T">
    /// The declared type of the parameter. Its fields and public properties make the key of a record or class, so a
    /// trimmed application keeps them (the generated call names the type).
    /// </typeparam>
    /// <param name="value">The argument.</param>
    /// <exception cref="CacheKeyException">The value (or something inside it) cannot be part of a key.</exception>
    public void Add<[DynamicallyAccessedMembers(KeyMembers)] T>(T value)
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
            // Declared pass-through (a RenderFragment...): left out whatever its value, null included.
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
    /// Adds the variables <paramref name="function"/> captured and reads (<c>this</c> included), so that they are part of
    /// the key as in Next.js. Plain data and delegates are keyed; known infrastructure (a service the DI container
    /// resolves, loggers, options, registered pass-through types) is left out, like a module import in JavaScript;
    /// anything else, request state and Razor components are refused.
    /// </summary>
    /// <param name="function">The lambda.</param>
    /// <exception cref="CacheKeyException">A captured value is neither plain data nor infrastructure, or the lambda captures a component.</exception>
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
        closure.Write(ref _writer, target, null, ref _description);
    }

    /// <summary>
    /// <see cref="AddCaptured(ClosureInfo, object)"/> for a closure the caller just found all left out
    /// (<see cref="ClosureInfo.IsKnownLeftOut"/>): the same bytes, without checking again. The readable description, when
    /// one is kept, still takes the full way.
    /// </summary>
    internal void AddKnownLeftOut(ClosureInfo closure, object target)
    {
        if (_description is not null)
        {
            AddCaptured(closure, target);
            return;
        }

        _writer.WriteByte(KeyEncoder.Closure);
        closure.WriteKnownLeftOut(ref _writer);
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
