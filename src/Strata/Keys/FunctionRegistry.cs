using System.Collections.Concurrent;
using System.Globalization;

namespace Strata;

/// <summary>The descriptors of <c>Cache.Function</c> lambdas, made once per lambda (by method) and kind.</summary>
internal static class FunctionRegistry
{
    private static readonly ConcurrentDictionary<(IntPtr Method, string Kind), CacheFunction> ByMethod = new();
    private static readonly ConcurrentDictionary<(string Id, string Kind), CacheFunction> ByIdAndKind = new();

    public static (CacheFunction Function, ClosureInfo? Closure) Describe(Delegate function, string kind, string callerFilePath, int callerLineNumber)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(kind);
        if (function.GetInvocationList().Length > 1)
        {
            throw new ArgumentException("Cache.Function takes a single lambda or method, not a multicast delegate.", nameof(function));
        }

        var method = function.Method;
        var descriptor = ByMethod.GetOrAdd((method.MethodHandle.Value, kind), static (k, a) =>
        {
            var (m, file, line) = a;
            var type = m.DeclaringType;
            var id = string.Create(CultureInfo.InvariantCulture, $"{(type is null ? "" : KeyTypeInfo.ReadableName(type))}::{m.Name}#{m.MetadataToken:x8}");
            var where = file.Length == 0 ? m.Name : $"{Path.GetFileName(file)}:{line}";
            return CacheFunction.Create(id, k.Kind, $"Cache.Function@{where}", m.GetParameters().Select(p => p.Name ?? "argument").ToArray());
        }, (method, callerFilePath, callerLineNumber));

        ClosureInfo? closure = null;
        if (function.Target is { } target)
        {
            closure = ClosureInfo.Get(target.GetType(), method);
            closure.ThrowIfComponent(descriptor, target.GetType());
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
