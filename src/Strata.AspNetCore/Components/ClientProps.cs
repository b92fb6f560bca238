using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace Strata.AspNetCore.Components;

/// <summary>
/// The run-time check of the client boundary: a parameter value given to a component that runs in the browser must be
/// data that reads back from JSON as the same value, or a server function reference. It judges the value itself, so it
/// sees what the analyzer (STRATA050-054) cannot, such as a delegate in a parameter declared as <see cref="object"/>, and
/// its messages are the analyzer's (<see cref="ClientPropTexts"/>).
/// </summary>
internal static class ClientProps
{
    /// <summary>The options parameters are written and read with: the web defaults, as Blazor's WebAssembly parameters.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly HashSet<string> ServiceTypes = new(KeyTypeNames.RequestState.Concat(KeyTypeNames.Infrastructure), StringComparer.Ordinal);

    /// <summary>The value as JSON (<see langword="null"/> for null); throws the documented message when it cannot cross.</summary>
    public static string? Write(string component, string parameter, object? value)
    {
        if (value is null)
        {
            return null;
        }

        var type = value.GetType();
        if (Problem(type) is { } problem)
        {
            throw Refuse(component, parameter, type, problem.Kind, problem.Reason);
        }

        string written;
        try
        {
            written = JsonSerializer.Serialize(value, type, Json);
            var again = JsonSerializer.Serialize(JsonSerializer.Deserialize(written, type, Json), type, Json);
            if (again != written)
            {
                throw Refuse(component, parameter, type, ClientPropKind.Json,
                    $"does not read back from JSON as the same value: it is written as {Clip(written)} and read back as {Clip(again)} (state that no public setter or constructor parameter restores)");
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException && ex is not ClientPropException)
        {
            throw Refuse(component, parameter, type, ClientPropKind.Json, "cannot be written or read as JSON: " + FirstLine(ex.Message));
        }

        return written;
    }

    /// <summary>Reads a value written by <see cref="Write"/> back, as the type it had.</summary>
    public static object? Read(string? json, Type type) => json is null ? null : JsonSerializer.Deserialize(json, type, Json);

    /// <summary>What the type of a value says: functions, rendered content, services, and types JSON cannot write.</summary>
    private static (ClientPropKind Kind, string Reason)? Problem(Type type)
    {
        if (ClientPropTexts.IsServerFunctionReference(type.Namespace, type.Name))
        {
            return null;
        }

        if (type == typeof(RenderFragment) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(RenderFragment<>)))
        {
            return (ClientPropKind.Content, ClientPropTexts.ContentReason);
        }

        if (type == typeof(EventCallback) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EventCallback<>)))
        {
            return (ClientPropKind.Function, ClientPropTexts.EventCallbackReason);
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return (ClientPropKind.Function, ClientPropTexts.FunctionReason);
        }

        if (IsService(type))
        {
            return (ClientPropKind.Service, "is a service or request state, not data");
        }

        if (type == typeof(IntPtr) || type == typeof(UIntPtr) || type.IsPointer)
        {
            return (ClientPropKind.Json, "is a native pointer, which means nothing in another process");
        }

        if (typeof(Stream).IsAssignableFrom(type))
        {
            return (ClientPropKind.Json, "is a stream, which JSON cannot write; read it and pass the data (a byte[] or a string)");
        }

        if (typeof(MemberInfo).IsAssignableFrom(type) || typeof(Assembly).IsAssignableFrom(type))
        {
            return (ClientPropKind.Json, "is a reflection object (Type, MethodInfo, Assembly...), which JSON cannot write");
        }

        return null;
    }

    private static bool IsService(Type type)
    {
        if (typeof(IServiceProvider).IsAssignableFrom(type) || typeof(HttpContext).IsAssignableFrom(type))
        {
            return true;
        }

        for (var t = type; t is not null; t = t.BaseType)
        {
            if (ServiceTypes.Contains(Name(t)))
            {
                return true;
            }
        }

        return type.GetInterfaces().Any(i => ServiceTypes.Contains(Name(i)));
    }

    private static string Name(Type type) => (type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName ?? type.Name;

    private static ClientPropException Refuse(string component, string parameter, Type type, ClientPropKind kind, string reason)
    {
        var name = ComponentTypeInfo.ReadableName(type);
        var value = ("AEIOUaeiou".Contains(name[0], StringComparison.Ordinal) ? "an " : "a ") + name;
        return new ClientPropException(string.Format(CultureInfo.InvariantCulture, ClientPropTexts.UseSiteFormat(kind), parameter, component, value, reason));
    }

    private static string Clip(string json) => json.Length <= 80 ? json : json[..77] + "...";

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }
}

/// <summary>A parameter value that cannot cross into a component that runs in the browser (the message says which, and the fix).</summary>
internal sealed class ClientPropException(string message) : InvalidOperationException(message);
