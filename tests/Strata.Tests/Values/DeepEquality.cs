using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Strata.Tests.Values;

/// <summary>
/// Deep structural equality of two object graphs, as a caller could observe them: the same runtime types everywhere, the
/// same state in every field (public or not), collections with the same items in the same order, doubles and decimals
/// bit for bit (so -0.0 and a decimal's scale count), dates with their kind and offset.
/// </summary>
internal static class DeepEquality
{
    public static void AssertEqual(object? expected, object? actual, string? context = null)
    {
        if (Difference(expected, actual) is { } difference)
        {
            Assert.Fail((context is null ? "" : context + ": ") + difference);
        }
    }

    /// <summary>Where the graphs differ, or null when they are equal.</summary>
    public static string? Difference(object? expected, object? actual) =>
        Compare(expected, actual, "$", new HashSet<(object, object)>(PairComparer.Instance), 0);

    private static string? Compare(object? a, object? b, string path, HashSet<(object, object)> visited, int depth)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? null : $"{path}: {Show(a)} != {Show(b)}";
        }

        var type = a.GetType();
        if (type != b.GetType())
        {
            return $"{path}: a {type.Name} != a {b.GetType().Name}";
        }

        if (depth > 200)
        {
            return $"{path}: deeper than 200 levels";
        }

        switch (a)
        {
            case double d:
                return BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits((double)b) ? null : $"{path}: {d:R} != {(double)b:R}";
            case float f:
                return BitConverter.SingleToInt32Bits(f) == BitConverter.SingleToInt32Bits((float)b) ? null : $"{path}: {f:R} != {(float)b:R}";
            case decimal m:
                return decimal.GetBits(m).AsSpan().SequenceEqual(decimal.GetBits((decimal)b)) ? null : $"{path}: {m} != {(decimal)b} (value or scale)";
            case DateTime t:
                var u = (DateTime)b;
                return t.Ticks == u.Ticks && t.Kind == u.Kind ? null : $"{path}: {t:o} ({t.Kind}) != {u:o} ({u.Kind})";
            case DateTimeOffset o:
                var p = (DateTimeOffset)b;
                return o.Ticks == p.Ticks && o.Offset == p.Offset ? null : $"{path}: {o:o} != {p:o}";
            case string s:
                return string.Equals(s, (string)b, StringComparison.Ordinal) ? null : $"{path}: \"{s}\" != \"{b}\"";
            case Uri uri:
                return uri.OriginalString == ((Uri)b).OriginalString ? null : $"{path}: {uri} != {b}";
        }

        if (type.IsPrimitive || type.IsEnum || a is Guid or TimeSpan or DateOnly or TimeOnly or Half or Int128 or UInt128 or Type)
        {
            return a.Equals(b) ? null : $"{path}: {a} != {b}";
        }

        if (!type.IsValueType && !visited.Add((a, b)))
        {
            return null; // this pair is being compared further up (a cycle)
        }

        if (a is IEnumerable sequence && IsFramework(type))
        {
            return CompareSequences(sequence, (IEnumerable)b, path, visited, depth);
        }

        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            if (a is IEnumerable && IsFramework(t))
            {
                // A collection type of the application: its own fields above, its items here.
                return CompareSequences((IEnumerable)a, (IEnumerable)b, path, visited, depth);
            }

            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (Compare(field.GetValue(a), field.GetValue(b), path + "." + MemberName(field), visited, depth + 1) is { } difference)
                {
                    return difference;
                }
            }
        }

        return null;
    }

    private static string? CompareSequences(IEnumerable a, IEnumerable b, string path, HashSet<(object, object)> visited, int depth)
    {
        var left = a.Cast<object?>().ToList();
        var right = b.Cast<object?>().ToList();
        if (left.Count != right.Count)
        {
            return $"{path}: {left.Count} items != {right.Count} items";
        }

        for (var i = 0; i < left.Count; i++)
        {
            if (Compare(left[i], right[i], $"{path}[{i}]", visited, depth + 1) is { } difference)
            {
                return difference;
            }
        }

        return null;
    }

    private static bool IsFramework(Type type) => type.Assembly == typeof(object).Assembly || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true;

    private static string MemberName(FieldInfo field) =>
        field.Name.StartsWith('<') && field.Name.IndexOf('>', StringComparison.Ordinal) is > 1 and var end ? field.Name[1..end] : field.Name;

    private static string Show(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";

    private sealed class PairComparer : IEqualityComparer<(object, object)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((object, object) x, (object, object) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((object, object) obj) => HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
