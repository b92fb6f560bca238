using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Strata.AspNetCore.Shell;

/// <summary>
/// A page's <see cref="StaticParamsAttribute"/> method (the counterpart of Next.js's <c>generateStaticParams</c>): found by
/// reflection on the page's type, called with services from a scope, and each value it lists bound to the page's route as
/// routing would (constraints checked, values formatted with the invariant culture). The analyzers check the same shape at
/// build time (STRATA075-079); what they cannot see (a value that fails a constraint, an unregistered service) is an
/// <see cref="InvalidOperationException"/> naming the page, the method and the fix, logged by the prerender.
/// </summary>
internal static class StaticParams
{
    private static readonly HashSet<Type> ScalarTypes =
    [
        typeof(string), typeof(decimal), typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly), typeof(TimeOnly), typeof(TimeSpan),
    ];

    private static readonly MethodInfo CollectMethod = typeof(StaticParams).GetMethod(nameof(CollectAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The page's <c>[StaticParams]</c> method, or <see langword="null"/> when it has none.</summary>
    public static MethodInfo? Find(Type page)
    {
        var methods = page.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.IsDefined(typeof(StaticParamsAttribute), inherit: false))
            .ToArray();
        return methods.Length switch
        {
            0 => null,
            1 when methods[0].IsStatic && !methods[0].IsGenericMethodDefinition => methods[0],
            1 => throw new InvalidOperationException($"[StaticParams] method {page.Name}.{methods[0].Name} must be static and not generic: it is called once after start-up, before any page instance exists (STRATA075)."),
            _ => throw new InvalidOperationException($"{page.Name} has {methods.Length} [StaticParams] methods ({string.Join(", ", methods.Select(m => m.Name))}); a page has one: list every value in it (STRATA079)."),
        };
    }

    /// <summary>Calls <paramref name="method"/> with its services from <paramref name="services"/> and lists what it returns.</summary>
    public static async Task<List<object?>> ListAsync(MethodInfo method, IServiceProvider services, CancellationToken cancellationToken)
    {
        var name = $"{method.DeclaringType!.Name}.{method.Name}";
        var arguments = method.GetParameters().Select(p =>
            p.ParameterType == typeof(CancellationToken) ? cancellationToken
            : p.ParameterType.IsByRef ? throw new InvalidOperationException($"Parameter '{p.Name}' of [StaticParams] method {name} is passed by reference; take services or a CancellationToken by value (STRATA075).")
            : services.GetService(p.ParameterType)
                ?? throw new InvalidOperationException($"Parameter '{p.Name}' of [StaticParams] method {name} is a {p.ParameterType.Name}, which is not registered in the application's services. Register it, or take only services and a CancellationToken."))
            .ToArray();

        var result = method.Invoke(null, arguments);
        const string TaskResult = "Result"; // read by reflection once the task has completed (awaited above)
        if (result is Task task)
        {
            await task.ConfigureAwait(false);
            result = task.GetType().GetProperty(TaskResult)?.GetValue(task);
        }
        else if (result is not null && result.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var asTask = (Task)type.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(result, null)!;
            await asTask.ConfigureAwait(false);
            result = asTask.GetType().GetProperty(TaskResult)!.GetValue(asTask);
        }

        if (result is not null && result.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>)) is { } asyncItems)
        {
            var collect = (Task<List<object?>>)CollectMethod.MakeGenericMethod(asyncItems.GetGenericArguments()[0]).Invoke(null, [result, cancellationToken])!;
            return await collect.ConfigureAwait(false);
        }

        return result is IEnumerable items and not string
            ? items.Cast<object?>().ToList()
            : throw new InvalidOperationException($"[StaticParams] method {name} returned {(result is null ? "null" : result.GetType().Name)}; it returns IEnumerable<T>, IAsyncEnumerable<T>, or a Task/ValueTask of an IEnumerable<T> (STRATA076).");
    }

    private static async Task<List<object?>> CollectAsync<T>(IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        var list = new List<object?>();
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>
    /// The path of <paramref name="endpoint"/>'s route for one listed value, and the route values a request for that path
    /// gets (strings, as routing gives them); an <see cref="InvalidOperationException"/> naming the problem when the value
    /// does not fit the route.
    /// </summary>
    public static (string Path, RouteValueDictionary Values) Bind(RouteEndpoint endpoint, TemplateBinder binder, object? value, string provider)
    {
        var pattern = endpoint.RoutePattern;
        var template = pattern.RawText ?? string.Join(", ", pattern.Parameters.Select(p => p.Name));
        RouteValueDictionary given;
        if (value is null)
        {
            throw new InvalidOperationException($"[StaticParams] method {provider} listed null for the route '{template}'.");
        }

        if (IsScalar(value.GetType()))
        {
            if (pattern.Parameters.Count != 1)
            {
                throw new InvalidOperationException($"[StaticParams] method {provider} listed the single value '{value}', but the route '{template}' has {pattern.Parameters.Count} parameters: list objects whose properties name them, e.g. new {{ {string.Join(", ", pattern.Parameters.Select(p => p.Name + " = ..."))} }} (STRATA078).");
            }

            given = new RouteValueDictionary { [pattern.Parameters[0].Name] = value };
        }
        else
        {
            given = new RouteValueDictionary(value);
            if (given.Keys.FirstOrDefault(k => pattern.GetParameter(k) is null) is { } extra)
            {
                throw new InvalidOperationException($"[StaticParams] method {provider} listed a value with the property '{extra}', which is not a parameter of the route '{template}' (STRATA078).");
            }
        }

        if (pattern.Parameters.FirstOrDefault(p => !p.IsOptional && p.Default is null && !given.ContainsKey(p.Name)) is { } missing)
        {
            throw new InvalidOperationException($"[StaticParams] method {provider} listed a value without the route parameter '{missing.Name}' of '{template}' (STRATA078).");
        }

        var values = new RouteValueDictionary();
        foreach (var (key, v) in given)
        {
            values[key] = Convert.ToString(v, CultureInfo.InvariantCulture);
        }

        string? parameter = null;
        var bound = binder.GetValues(ambientValues: null, values);
        if (bound is null || !binder.TryProcessConstraints(null, bound.CombinedValues, out parameter, out _))
        {
            var which = parameter is null ? "" : $" (parameter '{parameter}' is '{values[parameter]}')";
            throw new InvalidOperationException($"[StaticParams] method {provider} listed a value that does not match the route '{template}'{which}: the page would never be requested with it.");
        }

        var url = binder.BindValues(bound.AcceptedValues)
            ?? throw new InvalidOperationException($"[StaticParams] method {provider} listed a value that does not make a path of the route '{template}'.");
        var path = PathString.FromUriComponent(url.StartsWith('/') ? url : "/" + url).Value ?? "/";
        var routeValues = new RouteValueDictionary();
        foreach (var (key, v) in bound.CombinedValues)
        {
            routeValues[key] = v;
        }

        return (path, routeValues);
    }

    /// <summary>Whether a listed value is the value of a single route parameter rather than an object naming the parameters.</summary>
    private static bool IsScalar(Type type) => type.IsPrimitive || type.IsEnum || ScalarTypes.Contains(type);
}
