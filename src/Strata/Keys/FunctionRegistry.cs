using System.Collections.Concurrent;
using System.Reflection;

namespace Strata;

/// <summary>
/// The descriptors of <c>Cache.Function</c> lambdas, made once per lambda and kind. A lambda of a generic type or method
/// is one function per instantiation: descriptors are found by the method and its constructed declaring type (never by
/// a method handle, which shared code of reference-type instantiations makes equal), and the id names the type arguments.
/// </summary>
internal static class FunctionRegistry
{
    private static readonly ConcurrentDictionary<(MethodInfo Method, Type? Type, string Kind), CacheFunction> ByMethod = new();
    private static readonly ConcurrentDictionary<(string Id, string Kind), CacheFunction> ByIdAndKind = new();

    public static (CacheFunction Function, ClosureInfo? Closure) Describe(Delegate function, string kind, string callerFilePath, int callerLineNumber)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(kind);
        if (!function.HasSingleTarget)
        {
            throw new ArgumentException("Cache.Function takes a single lambda or method, not a multicast delegate.", nameof(function));
        }

        if (!StrataFeatures.IsReflectionEnabled)
        {
            throw new NotSupportedException("Cache.Function reads the lambda's IL to key what it captures, and " + StrataFeatures.ReflectionOff + ": use a [UseCache] method instead.");
        }

        var method = function.Method;
        var targetType = function.Target?.GetType();
        var descriptor = ByMethod.GetOrAdd((method, DelegateKey.ClosedDeclaringType(method, targetType), kind), static (k, a) =>
        {
            var (m, target, file, line) = a;
            var where = file.Length == 0 ? m.Name : $"{Path.GetFileName(file)}:{line}";
            return CacheFunction.Create(DelegateKey.MethodId(m, target), k.Kind, $"Cache.Function@{where}", m.GetParameters().Select(p => p.Name ?? "argument").ToArray());
        }, (method, targetType, callerFilePath, callerLineNumber));

        ClosureInfo? closure = null;
        if (targetType is not null)
        {
            closure = ClosureInfo.Get(targetType, method);
            closure.ThrowIfComponent(descriptor, targetType);
            if (closure.Fields.Length == 0)
            {
                closure = null;
            }
        }

        if (kind != StrataDefaults.PrivateKind && (AmbientContext.Current?.Runtime ?? CacheRuntime.Default) is { } runtime && !runtime.Kinds.Contains(kind))
        {
            throw new InvalidOperationException(ErrorMessages.UnknownKind(kind));
        }

        return (descriptor, closure);
    }

    public static CacheFunction ById(string id, string kind) =>
        ByIdAndKind.GetOrAdd((id, kind), static k => CacheFunction.Create(k.Id, k.Kind));
}
