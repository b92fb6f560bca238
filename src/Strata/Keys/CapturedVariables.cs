using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Strata;

/// <summary>
/// Finds which captured variables a lambda really reads. C# puts every variable captured by any lambda of a scope into one
/// closure object, so a lambda's closure also holds variables only other lambdas use; reading the IL of the lambda (and of
/// its async state machine and the local functions it calls) tells the two apart, so that only what the cached lambda
/// reads becomes part of its key.
/// </summary>
internal static class CapturedVariables
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The fields (by module and metadata token) the method reads; <see langword="null"/> when its IL cannot be analyzed.</summary>
    public static HashSet<(Module Module, int Token)>? ReadFields(MethodInfo method)
    {
        try
        {
            var read = new HashSet<(Module, int)>();
            var visited = new HashSet<MethodBase>();
            Walk(method, read, visited, depth: 0);
            return read;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or BadImageFormatException or NotSupportedException or MissingMemberException)
        {
            return null;
        }
    }

    private static void Walk(MethodBase method, HashSet<(Module, int)> read, HashSet<MethodBase> visited, int depth)
    {
        if (depth > 8 || !visited.Add(method))
        {
            return;
        }

        if (method.GetCustomAttribute<StateMachineAttribute>() is { StateMachineType: { } stateMachine })
        {
            var moveNext = stateMachine.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
                ?? throw new InvalidOperationException("No MoveNext on " + stateMachine);
            Walk(moveNext, read, visited, depth + 1);
        }

        var body = method.GetMethodBody() ?? throw new InvalidOperationException("No method body for " + method);
        var il = body.GetILAsByteArray() ?? throw new InvalidOperationException("No IL for " + method);
        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            OpCode opCode;
            if (il[position] == 0xFE)
            {
                opCode = OpCodesByValue[unchecked((short)(0xFE00 | il[position + 1]))];
                position += 2;
            }
            else
            {
                opCode = OpCodesByValue[il[position]];
                position += 1;
            }

            switch (opCode.OperandType)
            {
                case OperandType.InlineField:
                    if (opCode == OpCodes.Ldfld || opCode == OpCodes.Ldflda)
                    {
                        var field = module.ResolveField(BitConverter.ToInt32(il, position), typeArguments, methodArguments);
                        if (field is not null)
                        {
                            read.Add((field.Module, field.MetadataToken));
                        }
                    }

                    position += 4;
                    break;
                case OperandType.InlineMethod:
                    if (opCode == OpCodes.Call || opCode == OpCodes.Callvirt || opCode == OpCodes.Ldftn || opCode == OpCodes.Newobj)
                    {
                        var callee = module.ResolveMethod(BitConverter.ToInt32(il, position), typeArguments, methodArguments);
                        if (callee is not null && IsCompilerGenerated(callee))
                        {
                            Walk(callee, read, visited, depth + 1);
                        }
                    }

                    position += 4;
                    break;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, position);
                    position += 4 + (4 * count);
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }

    /// <summary>Lambdas, local functions and closure types: their names start with '&lt;' or their type is compiler-generated.</summary>
    private static bool IsCompilerGenerated(MethodBase method) =>
        method.Name.StartsWith('<') || (method.DeclaringType is { } type && (type.Name.StartsWith('<') || type.IsDefined(typeof(CompilerGeneratedAttribute), false)));
}
