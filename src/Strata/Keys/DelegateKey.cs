using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace Strata;

/// <summary>
/// Implemented by the functions <c>Cache.Function</c> and <c>Cache.Memo</c> return, so that a delegate over one is keyed
/// by what it wraps.
/// </summary>
internal interface IWrappedFunction
{
    /// <summary>What the wrapper is: the cache kind of a cached function, <c>memo</c> for a memoized one.</summary>
    string Wrapper { get; }

    /// <summary>The wrapped lambda.</summary>
    Delegate Inner { get; }
}

/// <summary>
/// Keys a delegate by identity, as Next.js keys a server reference by its id and bound arguments: for each invocation in
/// order, a stable id of its method, then the state of its target. A closure contributes the captured variables the
/// method reads (found by <see cref="CapturedVariables"/>, recursively and cycle-safe); a function <c>Cache.Function</c>
/// or <c>Cache.Memo</c> returned contributes its kind (or <c>memo</c>) and the lambda it wraps; any other target is a captured value (plain data is keyed,
/// infrastructure is left out, anything else is refused); a static method or a lambda that captures nothing is its id.
/// </summary>
internal static class DelegateKey
{
    private static readonly ConcurrentDictionary<(MethodInfo Method, Type? Target), string> Ids = new();

    public static void Write(ref KeyWriter writer, Delegate value, EncodeContext context)
    {
        writer.WriteByte(KeyEncoder.Delegate);
        if (value.HasSingleTarget)
        {
            writer.WriteVarUInt(1);
            WriteInvocation(ref writer, value, context);
            return;
        }

        var invocations = value.GetInvocationList();
        writer.WriteVarUInt((uint)invocations.Length);
        foreach (var invocation in invocations)
        {
            WriteInvocation(ref writer, invocation, context);
        }
    }

    /// <summary>
    /// The stable id of a method: assembly, declaring type with its type arguments, name, method type arguments and
    /// metadata token. The type arguments come from the target where the method's own declaring type is generic (shared
    /// code of reference-type instantiations makes that type ambiguous), so every instantiation has its own id.
    /// </summary>
    public static string MethodId(MethodInfo method, Type? targetType) =>
        Ids.GetOrAdd((method, targetType), static k =>
        {
            var (m, target) = k;
            var type = ClosedDeclaringType(m, target);
            var typeName = type is null ? "" : KeyTypeInfo.ReadableName(type);
            var typeArguments = m.IsGenericMethod ? "[" + string.Join(",", m.GetGenericArguments().Select(KeyTypeInfo.ReadableName)) + "]" : "";
            return string.Create(CultureInfo.InvariantCulture, $"{m.Module.Assembly.GetName().Name}:{typeName}::{m.Name}{typeArguments}#{m.MetadataToken:x8}");
        });

    /// <summary>The constructed type that declares <paramref name="method"/>, found on the target when the method's declaring type is generic.</summary>
    public static Type? ClosedDeclaringType(MethodInfo method, Type? targetType)
    {
        var declaring = method.DeclaringType;
        if (declaring is not { IsGenericType: true } || targetType is null)
        {
            return declaring;
        }

        var definition = declaring.GetGenericTypeDefinition();
        for (var t = targetType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == definition)
            {
                return t;
            }
        }

        return declaring;
    }

    private static void WriteInvocation(ref KeyWriter writer, Delegate invocation, EncodeContext context)
    {
        var target = invocation.Target;
        if (target is IWrappedFunction wrapper)
        {
            writer.WriteByte(KeyEncoder.WrappedFunction);
            writer.WriteStringPayload(wrapper.Wrapper);
            Write(ref writer, wrapper.Inner, context);
            return;
        }

        var method = invocation.Method;
        var targetType = target?.GetType();
        writer.WriteStringPayload(MethodId(method, targetType));
        if (target is null)
        {
            writer.WriteByte(KeyEncoder.Null);
            return;
        }

        // A lambda that refers to itself (recursion): the distance back identifies it.
        if (context.DistanceToFunction(target, method) is > 0 and var distance)
        {
            writer.WriteByte(KeyEncoder.BackReference);
            writer.WriteVarUInt((uint)distance);
            return;
        }

        context.DelegateDepth++;
        context.Push("Target", isIndex: false);
        try
        {
            if (KeyTypeInfo.IsCompilerGenerated(targetType!))
            {
                var closure = ClosureInfo.Get(targetType!, method);
                writer.WriteByte(KeyEncoder.Closure);
                closure.Write(ref writer, target, context);
            }
            else
            {
                KeyEncoder.WriteCaptured(ref writer, target, method.DeclaringType ?? targetType!, context, out _);
            }
        }
        finally
        {
            context.Pop();
            context.DelegateDepth--;
        }
    }
}
