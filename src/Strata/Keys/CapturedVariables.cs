using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Strata;

/// <summary>
/// Finds which captured variables a lambda really reads. C# puts every variable captured by any lambda of a scope into one
/// closure object, so a lambda's closure also holds variables only other lambdas use; reading the IL of the lambda (and of
/// its async state machine, the lambdas and local functions it calls or creates, however deep) tells the two apart, so
/// that only what the cached lambda reads becomes part of its key. A field counts as read when it is loaded
/// (<c>ldfld</c>, <c>ldflda</c>) or when its handle is taken (<c>ldtoken</c>: how C# builds expression trees, so a
/// variable used only inside an <c>IQueryable</c> or EF Core query counts).
/// </summary>
internal static class CapturedVariables
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>
    /// The fields (by module and metadata token) the method reads; <see langword="null"/> when its IL cannot be analyzed
    /// for any reason, in which case every captured field must be keyed (more misses, never a wrong hit).
    /// </summary>
    public static HashSet<(Module Module, int Token)>? ReadFields(MethodInfo method)
    {
        try
        {
            var read = new HashSet<(Module, int)>();
            var visited = new HashSet<MethodBase>();
            var pending = new Stack<MethodBase>();
            pending.Push(method);
            while (pending.TryPop(out var next))
            {
                if (visited.Add(next))
                {
                    Scan(next, read, pending);
                }
            }

            return read;
        }
#pragma warning disable CA1031 // Any failure (an unknown opcode, a type that does not load...) means "cannot analyze": key every field.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static void Scan(MethodBase method, HashSet<(Module, int)> read, Stack<MethodBase> pending)
    {
        if (method.GetCustomAttribute<StateMachineAttribute>() is { StateMachineType: { } stateMachine })
        {
            pending.Push(stateMachine.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
                ?? throw new InvalidOperationException("No MoveNext on " + stateMachine));
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
                        var field = module.ResolveField(BitConverter.ToInt32(il, position), typeArguments, methodArguments)!;
                        read.Add((field.Module, field.MetadataToken));
                    }

                    position += 4;
                    break;
                case OperandType.InlineTok:
                    switch (module.ResolveMember(BitConverter.ToInt32(il, position), typeArguments, methodArguments))
                    {
                        case FieldInfo token:
                            read.Add((token.Module, token.MetadataToken));
                            break;
                        case MethodBase tokenMethod when IsCompilerGenerated(tokenMethod):
                            pending.Push(tokenMethod);
                            break;
                    }

                    position += 4;
                    break;
                case OperandType.InlineMethod:
                    if (opCode == OpCodes.Call || opCode == OpCodes.Callvirt || opCode == OpCodes.Ldftn || opCode == OpCodes.Ldvirtftn || opCode == OpCodes.Newobj)
                    {
                        var callee = module.ResolveMethod(BitConverter.ToInt32(il, position), typeArguments, methodArguments)!;
                        if (IsCompilerGenerated(callee))
                        {
                            pending.Push(callee);
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
