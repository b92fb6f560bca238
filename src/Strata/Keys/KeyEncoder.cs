using System.Buffers.Binary;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Hashing;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Strata;

/// <summary>
/// The canonical encoding of values into key bytes. Every value starts with a tag byte, so different types never
/// collide; dictionaries and sets are written in a sorted order, so their encoding does not depend on insertion order.
/// </summary>
internal static class KeyEncoder
{
    internal const byte Null = 0x00;
    internal const byte False = 0x01;
    internal const byte True = 0x02;
    internal const byte SByte = 0x10;
    internal const byte Byte = 0x11;
    internal const byte Int16 = 0x12;
    internal const byte UInt16 = 0x13;
    internal const byte Int32 = 0x14;
    internal const byte UInt32 = 0x15;
    internal const byte Int64 = 0x16;
    internal const byte UInt64 = 0x17;
    internal const byte Int128 = 0x18;
    internal const byte UInt128 = 0x19;
    internal const byte Char = 0x1A;
    internal const byte IntPtr = 0x1B;
    internal const byte UIntPtr = 0x1C;
    internal const byte Single = 0x20;
    internal const byte Double = 0x21;
    internal const byte Half = 0x22;
    internal const byte Decimal = 0x23;
    internal const byte BigInteger = 0x24;
    internal const byte String = 0x30;
    internal const byte Guid = 0x31;
    internal const byte DateTime = 0x32;
    internal const byte DateTimeOffset = 0x33;
    internal const byte DateOnly = 0x34;
    internal const byte TimeOnly = 0x35;
    internal const byte TimeSpan = 0x36;
    internal const byte Uri = 0x37;
    internal const byte Enum = 0x38;
    internal const byte Version = 0x39;
    internal const byte Culture = 0x3A;
    internal const byte TimeZone = 0x3B;
    internal const byte Encoding = 0x3C;
    internal const byte Region = 0x3D;
    internal const byte Bytes = 0x40;
    internal const byte Sequence = 0x50;
    internal const byte Dictionary = 0x51;
    internal const byte Set = 0x52;
    internal const byte Object = 0x60;
    internal const byte Closure = 0x61;
    internal const byte Delegate = 0x62;
    internal const byte WrappedFunction = 0x63;
    internal const byte BackReference = 0x64;
    internal const byte Service = 0x7E;
    internal const byte PassThrough = 0x7F;

    private static readonly ConditionalWeakTable<TimeZoneInfo, byte[]> TimeZoneRules = new();

    private static readonly PropertyInfo[] NumberFormatProperties = FormatProperties(typeof(NumberFormatInfo));

    private static readonly PropertyInfo[] DateTimeFormatProperties = FormatProperties(typeof(DateTimeFormatInfo));

    public static void WriteString(ref KeyWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteByte(Null);
            return;
        }

        writer.WriteTaggedString(String, value);
    }

    public static void WriteInt32(ref KeyWriter writer, int value) => writer.WriteTaggedInt32(Int32, value);

    public static void WriteInt64(ref KeyWriter writer, long value)
    {
        writer.WriteByte(Int64);
        writer.WriteInt64(value);
    }

    public static void WriteBoolean(ref KeyWriter writer, bool value) => writer.WriteByte(value ? True : False);

    public static void WriteDouble(ref KeyWriter writer, double value)
    {
        writer.WriteByte(Double);
        writer.WriteInt64(BitConverter.DoubleToInt64Bits(double.IsNaN(value) ? double.NaN : value));
    }

    public static void WriteGuid(ref KeyWriter writer, Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes);
        writer.WriteTagged(Guid, bytes);
    }

    public static void WriteDecimal(ref KeyWriter writer, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        writer.WriteByte(Decimal);
        foreach (var b in bits)
        {
            writer.WriteInt32(b);
        }
    }

    /// <summary>Encodes any value, by its runtime type. <paramref name="context"/> names the path for errors.</summary>
    public static void WriteValue(ref KeyWriter writer, object? value, EncodeContext context)
    {
        if (value is null)
        {
            writer.WriteByte(Null);
            return;
        }

        WriteValue(ref writer, value, KeyTypeInfo.Get(value.GetType()), context);
    }

    private static void WriteValue(ref KeyWriter writer, object value, KeyTypeInfo info, EncodeContext context)
    {
        switch (info.Kind)
        {
            case KeyTypeKind.PassThrough:
                writer.WriteByte(PassThrough);
                return;
            case KeyTypeKind.Boolean:
                WriteBoolean(ref writer, (bool)value);
                return;
            case KeyTypeKind.SByte:
                writer.WriteByte(SByte);
                writer.WriteByte((byte)(sbyte)value);
                return;
            case KeyTypeKind.Byte:
                writer.WriteByte(Byte);
                writer.WriteByte((byte)value);
                return;
            case KeyTypeKind.Int16:
                writer.WriteByte(Int16);
                writer.WriteInt32((short)value);
                return;
            case KeyTypeKind.UInt16:
                writer.WriteByte(UInt16);
                writer.WriteInt32((ushort)value);
                return;
            case KeyTypeKind.Int32:
                WriteInt32(ref writer, (int)value);
                return;
            case KeyTypeKind.UInt32:
                writer.WriteByte(UInt32);
                writer.WriteInt64((uint)value);
                return;
            case KeyTypeKind.Int64:
                WriteInt64(ref writer, (long)value);
                return;
            case KeyTypeKind.UInt64:
                writer.WriteByte(UInt64);
                writer.WriteInt64((long)(ulong)value);
                return;
            case KeyTypeKind.Int128:
            {
                Span<byte> b = stackalloc byte[16];
                BinaryPrimitives.WriteInt128LittleEndian(b, (Int128)value);
                writer.WriteTagged(Int128, b);
                return;
            }

            case KeyTypeKind.UInt128:
            {
                Span<byte> b = stackalloc byte[16];
                BinaryPrimitives.WriteUInt128LittleEndian(b, (UInt128)value);
                writer.WriteTagged(UInt128, b);
                return;
            }

            case KeyTypeKind.IntPtr:
                writer.WriteByte(IntPtr);
                writer.WriteInt64((nint)value);
                return;
            case KeyTypeKind.UIntPtr:
                writer.WriteByte(UIntPtr);
                writer.WriteInt64((long)(nuint)value);
                return;
            case KeyTypeKind.Char:
                writer.WriteByte(Char);
                writer.WriteInt32((char)value);
                return;
            case KeyTypeKind.Single:
            {
                var f = (float)value;
                writer.WriteByte(Single);
                writer.WriteInt32(BitConverter.SingleToInt32Bits(float.IsNaN(f) ? float.NaN : f));
                return;
            }

            case KeyTypeKind.Double:
                WriteDouble(ref writer, (double)value);
                return;
            case KeyTypeKind.Half:
            {
                var h = (Half)value;
                writer.WriteByte(Half);
                writer.WriteInt32(BitConverter.HalfToInt16Bits(System.Half.IsNaN(h) ? System.Half.NaN : h));
                return;
            }

            case KeyTypeKind.Decimal:
                WriteDecimal(ref writer, (decimal)value);
                return;
            case KeyTypeKind.BigInteger:
            {
                var bytes = ((BigInteger)value).ToByteArray();
                writer.WriteByte(BigInteger);
                writer.WriteVarUInt((uint)bytes.Length);
                writer.WriteBytes(bytes);
                return;
            }

            case KeyTypeKind.String:
                WriteString(ref writer, (string)value);
                return;
            case KeyTypeKind.Guid:
                WriteGuid(ref writer, (Guid)value);
                return;
            case KeyTypeKind.DateTime:
            {
                var d = (DateTime)value;
                writer.WriteByte(DateTime);
                writer.WriteInt64(d.Ticks);
                writer.WriteByte((byte)d.Kind);
                return;
            }

            case KeyTypeKind.DateTimeOffset:
            {
                var d = (DateTimeOffset)value;
                writer.WriteByte(DateTimeOffset);
                writer.WriteInt64(d.UtcTicks);
                writer.WriteInt32(d.TotalOffsetMinutes);
                return;
            }

            case KeyTypeKind.DateOnly:
                writer.WriteByte(DateOnly);
                writer.WriteInt32(((DateOnly)value).DayNumber);
                return;
            case KeyTypeKind.TimeOnly:
                writer.WriteByte(TimeOnly);
                writer.WriteInt64(((TimeOnly)value).Ticks);
                return;
            case KeyTypeKind.TimeSpan:
                writer.WriteByte(TimeSpan);
                writer.WriteInt64(((TimeSpan)value).Ticks);
                return;
            case KeyTypeKind.Uri:
                writer.WriteByte(Uri);
                writer.WriteStringPayload(((Uri)value).OriginalString);
                return;
            case KeyTypeKind.Version:
                writer.WriteByte(Version);
                writer.WriteStringPayload(((Version)value).ToString());
                return;
            case KeyTypeKind.Enum:
                writer.WriteByte(Enum);
                writer.WriteStringPayload(info.TypeName);
                writer.WriteInt64(info.EnumUnderlying == typeof(ulong) ? (long)Convert.ToUInt64(value, CultureInfo.InvariantCulture) : Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return;
            case KeyTypeKind.ByteArray:
                WriteBytes(ref writer, (byte[])value);
                return;
            case KeyTypeKind.ReadOnlyMemoryOfByte:
                WriteBytes(ref writer, ((ReadOnlyMemory<byte>)value).Span);
                return;
            case KeyTypeKind.MemoryOfByte:
                WriteBytes(ref writer, ((Memory<byte>)value).Span);
                return;
            case KeyTypeKind.ArraySegmentOfByte:
                WriteBytes(ref writer, ((ArraySegment<byte>)value).AsSpan());
                return;
            case KeyTypeKind.Culture:
                WriteCulture(ref writer, (CultureInfo)value, context);
                return;
            case KeyTypeKind.TimeZone:
                WriteTimeZone(ref writer, (TimeZoneInfo)value);
                return;
            case KeyTypeKind.Encoding:
                WriteEncoding(ref writer, (System.Text.Encoding)value, context);
                return;
            case KeyTypeKind.Region:
                writer.WriteByte(Region);
                writer.WriteStringPayload(((RegionInfo)value).Name);
                return;
            case KeyTypeKind.Delegate:
                if (!StrataFeatures.IsReflectionEnabled)
                {
                    throw context.Unsupported(value.GetType(), "is a delegate, keyed by the variables its code reads, which is found by reading its IL: " + StrataFeatures.ReflectionOff + "; pass the values it reads instead");
                }

                DelegateKey.Write(ref writer, (System.Delegate)value, context);
                return;
            case KeyTypeKind.Sequence:
                WriteSequence(ref writer, (IEnumerable)value, context);
                return;
            case KeyTypeKind.Dictionary:
                WriteDictionary(ref writer, value, context);
                return;
            case KeyTypeKind.Set:
                WriteSet(ref writer, (IEnumerable)value, context);
                return;
            case KeyTypeKind.Object:
                WriteObject(ref writer, value, info, context);
                return;
            default:
                throw context.Unsupported(value.GetType(), info.Reason ?? "is not plain data");
        }
    }

    public static void WriteBytes(ref KeyWriter writer, scoped ReadOnlySpan<byte> bytes)
    {
        writer.WriteByte(Bytes);
        writer.WriteVarUInt((uint)bytes.Length);
        writer.WriteBytes(bytes);
    }

    /// <summary>
    /// Encodes a value that a cached function captured rather than received (a closure's variable, <c>this</c>, a
    /// delegate's target), declared as <paramref name="declaredType"/>. Plain data and delegates are keyed as arguments
    /// are; a value that is not plain data is left out only when it is known infrastructure (<see cref="KeyInfrastructure"/>),
    /// and refused otherwise. Request state and Razor components are always refused.
    /// </summary>
    /// <returns>Whether the value is part of the key (<see langword="false"/>: left out as pass-through or infrastructure).</returns>
    /// <param name="writer">The key being written.</param>
    /// <param name="value">The captured value.</param>
    /// <param name="declaredType">The variable's declared type.</param>
    /// <param name="context">Where the value is, for errors.</param>
    /// <param name="leftOut">
    /// The marker written when the value was left out for a reason that holds for every value of its runtime type
    /// (<see cref="Service"/>) or of the variable (<see cref="PassThrough"/>, a pass-through declared type); otherwise 0.
    /// </param>
    public static bool WriteCaptured(ref KeyWriter writer, object? value, Type declaredType, EncodeContext context, out byte leftOut)
    {
        leftOut = 0;
        if (CacheKeyPassThrough.IsPassThrough(declaredType))
        {
            writer.WriteByte(leftOut = PassThrough);
            return false;
        }

        if (value is null)
        {
            writer.WriteByte(Null);
            return true;
        }

        var info = KeyTypeInfo.Get(value.GetType());
        if (info.Kind is not (KeyTypeKind.Unsupported or KeyTypeKind.Object or KeyTypeKind.Sequence or KeyTypeKind.Dictionary or KeyTypeKind.Set))
        {
            WriteValue(ref writer, value, info, context);
            return info.Kind != KeyTypeKind.PassThrough;
        }

        if (info.IsComponent)
        {
            throw context.Component(info.Type);
        }

        if (info.IsRequestState)
        {
            throw context.Unsupported(info.Type, info.Reason!);
        }

        // A service the application resolves from DI is infrastructure even when its state happens to be public.
        if (KeyInfrastructure.IsInfrastructure(info.Type, declaredType))
        {
            writer.WriteByte(leftOut = Service);
            return false;
        }

        if (info.Kind == KeyTypeKind.Unsupported)
        {
            throw context.NotInfrastructure(info.Type, info.Reason ?? "is not plain data");
        }

        WriteValue(ref writer, value, info, context);
        return true;
    }

    private static void WriteSequence(ref KeyWriter writer, IEnumerable items, EncodeContext context)
    {
        context.Enter(items);
        writer.WriteByte(Sequence);
        var list = items as IList;
        var count = list?.Count ?? items.Cast<object?>().Count();
        writer.WriteVarUInt((uint)count);
        var index = 0;
        foreach (var item in items)
        {
            context.Push(index.ToString(CultureInfo.InvariantCulture), isIndex: true);
            WriteValue(ref writer, item, context);
            context.Pop();
            index++;
        }

        context.Leave();
    }

    private static void WriteSet(ref KeyWriter writer, IEnumerable items, EncodeContext context)
    {
        context.Enter(items);
        var encoded = new List<byte[]>();
        var index = 0;
        foreach (var item in items)
        {
            context.Push(index.ToString(CultureInfo.InvariantCulture), isIndex: true);
            encoded.Add(EncodeSeparately(item, context));
            context.Pop();
            index++;
        }

        encoded.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        writer.WriteByte(Set);
        writer.WriteVarUInt((uint)encoded.Count);
        foreach (var e in encoded)
        {
            writer.WriteBytes(e);
        }

        context.Leave();
    }

    private static void WriteDictionary(ref KeyWriter writer, object dictionary, EncodeContext context)
    {
        if (dictionary is not IDictionary && !StrataFeatures.IsReflectionEnabled)
        {
            throw context.Unsupported(dictionary.GetType(), "is a dictionary without the non-generic IDictionary, whose pairs are read by reflection: " + StrataFeatures.ReflectionOff + "; pass a Dictionary<TKey, TValue> instead");
        }

        context.Enter(dictionary);
        var pairs = new List<(byte[] Key, byte[] Value)>();
        foreach (var (key, value) in Entries(dictionary))
        {
            context.Push(key is string s ? "\"" + s + "\"" : Convert.ToString(key, CultureInfo.InvariantCulture) ?? "null", isIndex: true);
            pairs.Add((EncodeSeparately(key, context), EncodeSeparately(value, context)));
            context.Pop();
        }

        pairs.Sort(static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        writer.WriteByte(Dictionary);
        writer.WriteVarUInt((uint)pairs.Count);
        foreach (var (k, v) in pairs)
        {
            writer.WriteBytes(k);
            writer.WriteBytes(v);
        }

        context.Leave();
    }

    private static IEnumerable<(object? Key, object? Value)> Entries(object dictionary) =>
        dictionary is IDictionary nonGeneric ? Entries(nonGeneric)
        : StrataFeatures.IsReflectionEnabled ? Pairs((IEnumerable)dictionary)
        : throw new InvalidOperationException("WriteDictionary refuses such a dictionary when reflection is off.");

    private static IEnumerable<(object? Key, object? Value)> Entries(IDictionary dictionary)
    {
        foreach (DictionaryEntry e in dictionary)
        {
            yield return (e.Key, e.Value);
        }
    }

    /// <summary>The items of an <c>IReadOnlyDictionary&lt;K,V&gt;</c> or <c>IDictionary&lt;K,V&gt;</c>: <c>KeyValuePair&lt;K,V&gt;</c>s.</summary>
    [RequiresUnreferencedCode("Reads the properties of a KeyValuePair<K,V> known at run time.")]
    private static IEnumerable<(object? Key, object? Value)> Pairs(IEnumerable dictionary)
    {
        foreach (var item in dictionary)
        {
            var type = item!.GetType();
            yield return (type.GetProperty("Key")!.GetValue(item), type.GetProperty("Value")!.GetValue(item));
        }
    }

    private static byte[] EncodeSeparately(object? value, EncodeContext context)
    {
        var writer = new KeyWriter(stackalloc byte[128]);
        try
        {
            WriteValue(ref writer, value, context);
            return writer.Written.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static void WriteObject(ref KeyWriter writer, object value, KeyTypeInfo info, EncodeContext context)
    {
        context.Enter(value);
        writer.WriteByte(Object);
        writer.WriteStringPayload(info.TypeName);
        writer.WriteVarUInt((uint)info.Members.Length);
        foreach (var member in info.Members)
        {
            context.Push(member.Name, isIndex: false);
            writer.WriteStringPayload(member.Name);
            if (member.IsPassThrough)
            {
                writer.WriteByte(PassThrough);
            }
            else
            {
                WriteValue(ref writer, member.GetValue(value), context);
            }

            context.Pop();
        }

        context.Leave();
    }

    /// <summary>
    /// A culture by its name; a writable culture (which code may have changed, e.g. its currency symbol) also by its number
    /// and date formats and list separator.
    /// </summary>
    private static void WriteCulture(ref KeyWriter writer, CultureInfo culture, EncodeContext context)
    {
        writer.WriteByte(Culture);
        writer.WriteStringPayload(culture.Name);
        writer.WriteByte(culture.UseUserOverride ? (byte)1 : (byte)0);
        if (culture.IsReadOnly)
        {
            writer.WriteByte(0);
            return;
        }

        writer.WriteByte(1);
        WriteFormat(ref writer, culture.NumberFormat, NumberFormatProperties, context);
        WriteFormat(ref writer, culture.DateTimeFormat, DateTimeFormatProperties, context);
        writer.WriteStringPayload(culture.TextInfo.ListSeparator);
    }

    private static void WriteFormat(ref KeyWriter writer, object format, PropertyInfo[] properties, EncodeContext context)
    {
        foreach (var property in properties)
        {
            var value = property.GetValue(format);
            if (value is Calendar calendar)
            {
                writer.WriteStringPayload(calendar.GetType().FullName!);
                writer.WriteInt32(calendar.TwoDigitYearMax);
            }
            else
            {
                WriteValue(ref writer, value, context);
            }
        }
    }

    private static PropertyInfo[] FormatProperties([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != nameof(NumberFormatInfo.IsReadOnly))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>A time zone by its id and a hash of its rules (a custom zone may reuse a system zone's id).</summary>
    private static void WriteTimeZone(ref KeyWriter writer, TimeZoneInfo zone)
    {
        var rules = TimeZoneRules.GetValue(zone, static z => XxHash128.Hash(MemoryMarshal.AsBytes(z.ToSerializedString().AsSpan())));
        writer.WriteByte(TimeZone);
        writer.WriteStringPayload(zone.Id);
        writer.WriteBytes(rules);
    }

    /// <summary>A framework encoding by its web name, preamble (byte order mark) and fallbacks.</summary>
    private static void WriteEncoding(ref KeyWriter writer, System.Text.Encoding encoding, EncodeContext context)
    {
        writer.WriteByte(Encoding);
        writer.WriteStringPayload(encoding.WebName);
        var preamble = encoding.Preamble;
        writer.WriteVarUInt((uint)preamble.Length);
        writer.WriteBytes(preamble);
        writer.WriteStringPayload(encoding.EncoderFallback switch
        {
            EncoderReplacementFallback replacement => "replace:" + replacement.DefaultString,
            EncoderExceptionFallback => "throw",
            _ => throw context.Unsupported(encoding.GetType(), "has a custom encoder fallback, whose behaviour could not be part of the key; pass the encoding's name instead"),
        });
        writer.WriteStringPayload(encoding.DecoderFallback switch
        {
            DecoderReplacementFallback replacement => "replace:" + replacement.DefaultString,
            DecoderExceptionFallback => "throw",
            _ => throw context.Unsupported(encoding.GetType(), "has a custom decoder fallback, whose behaviour could not be part of the key; pass the encoding's name instead"),
        });
    }

    /// <summary>A readable rendering of a value for debug logs (never used for keys).</summary>
    public static string Describe(object? value)
    {
        try
        {
            return value switch
            {
                null => "null",
                string s => "\"" + s + "\"",
                IFormattable f when value.GetType().IsPrimitive || value is decimal or DateTime or DateTimeOffset or Guid or TimeSpan or DateOnly or TimeOnly
                    => f.ToString(null, CultureInfo.InvariantCulture),
                Enum e => e.ToString(),
                _ when CacheKeyPassThrough.IsPassThrough(value.GetType()) => "<pass-through>",
                System.Delegate d => "<delegate " + d.Method.Name + ">",
                CultureInfo or TimeZoneInfo or RegionInfo or System.Text.Encoding => value.ToString() ?? "",
                _ when StrataFeatures.IsReflectionEnabled => System.Text.Json.JsonSerializer.Serialize(value),
                _ => "<" + value.GetType().Name + ">",
            };
        }
        catch (Exception)
        {
            return "<" + value!.GetType().Name + ">";
        }
    }
}

/// <summary>
/// Tracks where the encoder is inside an argument or captured variable, to detect cycles and name the path in errors.
/// One context serves every captured variable of a closure (<see cref="Root"/> is set per variable); its lists are
/// made on first use, so keys of simple values allocate nothing here.
/// </summary>
internal sealed class EncodeContext(string root, bool captured = false)
{
    private List<(string Segment, bool IsIndex)>? _path;
    private List<object>? _ancestors;
    private List<(object Target, MethodInfo Method)>? _functions;

    /// <summary>The argument or captured variable being encoded.</summary>
    public string Root { get; set; } = root;

    /// <summary>How many delegate targets the encoder is inside (their fix differs).</summary>
    public int DelegateDepth { get; set; }

    public string Path
    {
        get
        {
            var sb = new StringBuilder(Root);
            foreach (var (segment, isIndex) in _path ?? [])
            {
                if (isIndex)
                {
                    sb.Append('[').Append(segment).Append(']');
                }
                else
                {
                    sb.Append('.').Append(segment);
                }
            }

            return sb.ToString();
        }
    }

    public void Push(string segment, bool isIndex) => (_path ??= []).Add((segment, isIndex));

    public void Pop() => _path!.RemoveAt(_path.Count - 1);

    public void Enter(object value)
    {
        _ancestors ??= [];
        if (_ancestors.Count >= 64)
        {
            throw Unsupported(value.GetType(), "is nested more than 64 levels deep");
        }

        foreach (var ancestor in _ancestors)
        {
            if (ReferenceEquals(ancestor, value))
            {
                throw Unsupported(value.GetType(), "refers back to an object that contains it (a cycle)");
            }
        }

        _ancestors.Add(value);
    }

    public void Leave() => _ancestors!.RemoveAt(_ancestors.Count - 1);

    /// <summary>Starts keying what <paramref name="method"/> reads from <paramref name="target"/> (a closure).</summary>
    public void EnterFunction(object target, MethodInfo method) => (_functions ??= []).Add((target, method));

    public void LeaveFunction() => _functions!.RemoveAt(_functions.Count - 1);

    /// <summary>
    /// How many closures up the same method over the same target is being keyed already (1 = the innermost), as for a
    /// recursive lambda; 0 when it is not.
    /// </summary>
    public int DistanceToFunction(object target, MethodInfo method)
    {
        for (var i = (_functions?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_functions![i].Target, target) && _functions[i].Method.Equals(method))
            {
                return _functions.Count - i;
            }
        }

        return 0;
    }

    /// <summary>The error for a value that is not plain data, as an argument or inside one.</summary>
    public CacheKeyException Unsupported(Type type, string reason) => Error(
        type,
        $"which {reason}. Cache keys are built from plain data only: null, booleans, numbers, strings, chars, enums, Guid, dates and times, byte arrays, " +
        "arrays, lists, dictionaries, sets, and records or classes whose state is public properties. " +
        "Pass only the data the function needs, or register the type with CacheKeyPassThrough.Register if it should be handed through untouched and left out of the key.");

    /// <summary>The error for a captured value (or <c>this</c>, or a delegate's target) that is neither plain data nor known infrastructure.</summary>
    public CacheKeyException NotInfrastructure(Type type, string reason)
    {
        var name = KeyTypeInfo.ReadableName(type);
        var instead = DelegateDepth > 0
            ? "Pass the data the function needs instead (a static method, or a lambda that captures only plain data)"
            : "Pass the data the function needs instead (as an argument, or capture a local of plain data)";
        return Error(
            type,
            $"which {reason}, and it is not known infrastructure. What a cached function captures is part of its key, as in Next.js; " +
            "only infrastructure (services the DI container resolves, loggers, options, registered pass-through types) is left out. " +
            $"{instead}; if {name} is a service the function only uses to fetch data, register it in the DI container (AddStrata() uses the application's container) " +
            $"or call CacheKeyPassThrough.Register(typeof({type.Name})).");
    }

    /// <summary>The error for a Razor component captured by a cached function.</summary>
    public CacheKeyException Component(Type type) => Error(
        type,
        "which is a Razor component: its parameters and state are request data and would not be part of the key. " +
        "Copy the values the function needs into local variables (which are captured into the key), or pass them as arguments.");

    private CacheKeyException Error(Type type, string why)
    {
        var path = Path;
        var subject = path == Root ? $"'{Root}'" : $"'{path}'";
        var message = $"{Describe(Root)} cannot be part of a cache key: {subject} is of type {KeyTypeInfo.ReadableName(type)}, {why}";
        return new CacheKeyException(message, Root, path, type);
    }

    private string Describe(string root) => captured ? $"Captured variable '{root}'" : $"Argument '{root}'";
}
