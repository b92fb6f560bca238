using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Strata.Generators;

/// <summary>
/// STRATA030: a <c>[UseCache]</c> result type whose copies would not be what the call returned. The engine copies results
/// that can be changed (and, for kinds other than "default", stores every result as bytes) through System.Text.Json;
/// a result it cannot copy faithfully is returned uncached with a warning at run time. This reports the types where the
/// build can see why.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ResultCopyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UncopyableResult);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = StrataSymbols.Create(start.Compilation);
            if (symbols.UseCache is null)
            {
                return;
            }

            var rules = new CopyRules(symbols);
            start.RegisterSymbolAction(c => Analyze(c, symbols, rules), SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, StrataSymbols s, CopyRules rules)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (CacheRules.For(method, s) is not { } cached || cached.Kind == CacheRules.PrivateKind || (!cached.FromClass && s.IsComponent(method.ContainingType)) ||
            CacheRules.ResultType(method, s, out _) is not { } result)
        {
            return;
        }

        if (rules.WhyNotCopyable(result, storedAsBytes: cached.Kind != CacheRules.DefaultKind) is { } why)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UncopyableResult, CacheRules.ResultTypeLocation(method) ?? method.Locations.FirstOrDefault(),
                method.ToDisplayString(CacheRules.NameFormat), result.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), why));
        }
    }
}

/// <summary>
/// The engine's rule for faithful copies (src/Strata/Values/JsonFidelity.cs, with the default serializer's options: public
/// fields included) applied to declared types: every instance field is restored by a member JSON writes and sets (a public
/// settable or init property or field, one set by the constructor JSON uses, or one marked [JsonInclude]); no member is
/// declared as object, as an interface or abstract type JSON cannot create, or as a stack; collections have no state of
/// their own. What only the value shows (a subclass in a slot of its base type) is left to the run time.
/// </summary>
internal sealed class CopyRules(StrataSymbols s)
{
    private readonly INamedTypeSymbol _enumerableOfT = s.Compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
    private readonly INamedTypeSymbol? _jsonIgnore = s.Compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonIgnoreAttribute");
    private readonly INamedTypeSymbol? _jsonInclude = s.Compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonIncludeAttribute");
    private readonly INamedTypeSymbol? _jsonConstructor = s.Compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonConstructorAttribute");
    private readonly INamedTypeSymbol? _jsonDerivedType = s.Compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonDerivedTypeAttribute");
    private readonly INamedTypeSymbol?[] _stacks =
    [
        s.Compilation.GetTypeByMetadataName("System.Collections.Generic.Stack`1"),
        s.Compilation.GetTypeByMetadataName("System.Collections.Concurrent.ConcurrentStack`1"),
        s.Compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableStack`1"),
    ];

    /// <summary>Why results declared as <paramref name="type"/> cannot be copied faithfully; null when they can, or are never copied.</summary>
    public string? WhyNotCopyable(ITypeSymbol type, bool storedAsBytes)
    {
        if (!storedAsBytes && ImmutabilityRules.WhyMutable(type, s) is null)
        {
            return null; // shared by reference in memory: never copied
        }

        return Check(type, path: null, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));
    }

    private string? Check(ITypeSymbol type, string? path, HashSet<ITypeSymbol> visited)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type is ITypeParameterSymbol || type.TypeKind is TypeKind.Error or TypeKind.Dynamic || !visited.Add(type) || IsScalar(type))
        {
            return null;
        }

        var reason = Reason(type, path ?? type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), visited, out var nested);
        if (reason is null || nested)
        {
            return reason;
        }

        return path is null ? reason : $"holds {type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} in '{path}', which {reason}";
    }

    /// <summary>Why <paramref name="type"/> itself does not copy faithfully (<paramref name="nested"/>: the reason is a member's, already phrased).</summary>
    private string? Reason(ITypeSymbol type, string prefix, HashSet<ITypeSymbol> visited, out bool nested)
    {
        nested = false;
        if (type.SpecialType == SpecialType.System_Object)
        {
            return "is declared as object, and a JSON copy of it would be a JsonElement";
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return "is a delegate, which cannot be serialized";
        }

        if (type is IArrayTypeSymbol array)
        {
            nested = true;
            return Check(array.ElementType, prefix + "[]", visited);
        }

        if (type.SpecialType != SpecialType.System_String && StrataSymbols.InheritsOrImplements(type, s.Enumerable))
        {
            return Collection(type, prefix, visited, out nested);
        }

        if (type.TypeKind == TypeKind.Interface || type.IsAbstract)
        {
            var derived = DerivedTypes(type).ToList();
            if (derived.Count == 0)
            {
                return "is an interface or abstract type, which JSON cannot create (its implementations are unknown: list them on it with [JsonDerivedType])";
            }

            nested = true;
            return derived.Select(d => Check(d, prefix, visited)).FirstOrDefault(r => r is not null);
        }

        if (IsFramework(type))
        {
            return null; // the serializer's own converters and contracts (KeyValuePair, tuples, JsonElement...)
        }

        if (State(type) is { } state)
        {
            return state;
        }

        nested = true;
        foreach (var (name, memberType) in ContractMembers(type))
        {
            if (Check(memberType, prefix + "." + name, visited) is { } problem)
            {
                return problem;
            }
        }

        foreach (var d in DerivedTypes(type))
        {
            if (Check(d, prefix, visited) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private string? Collection(ITypeSymbol type, string prefix, HashSet<ITypeSymbol> visited, out bool nested)
    {
        nested = false;
        if (_stacks.Any(stack => StrataSymbols.InheritsOrImplements(type, stack)))
        {
            return "is a stack, which JSON reads back in reverse order";
        }

        for (var t = type; t is not null && !IsFramework(t); t = t.BaseType)
        {
            if (t.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => !f.IsStatic && !f.IsConst) is { } field)
            {
                return $"is a collection with state of its own ('{field.AssociatedSymbol?.Name ?? field.Name}'), but JSON writes only its items";
            }
        }

        nested = true;
        var dictionary = StrataSymbols.FindConstruction(type, s.DictionaryOfT) ?? StrataSymbols.FindConstruction(type, s.ReadOnlyDictionaryOfT);
        if (dictionary is not null)
        {
            var key = dictionary.TypeArguments[0];
            if (!IsScalar(key) || key.SpecialType == SpecialType.System_Object)
            {
                nested = false;
                return $"has keys of type {key.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}, which JSON cannot write as property names";
            }

            return Check(dictionary.TypeArguments[1], prefix + "[]", visited);
        }

        var items = StrataSymbols.FindConstruction(type, _enumerableOfT)?.TypeArguments[0] ?? s.Compilation.GetSpecialType(SpecialType.System_Object);
        return Check(items, prefix + "[]", visited);
    }

    /// <summary>The first instance field that no member JSON writes and sets restores, as a reason.</summary>
    private string? State(ITypeSymbol type)
    {
        var bound = BoundParameters(type);
        for (var t = type; t is not null && !IsFramework(t); t = t.BaseType)
        {
            var fromSource = t.Locations.Any(l => l.IsInSource);
            foreach (var member in t.GetMembers())
            {
                if (member.IsStatic)
                {
                    continue;
                }

                if (!fromSource)
                {
                    // The private fields of referenced assemblies are not visible: judge their public properties.
                    if (member is IPropertySymbol { IsIndexer: false, DeclaredAccessibility: Accessibility.Public, SetMethod: { DeclaredAccessibility: not Accessibility.Public } } hidden &&
                        InContract(hidden) && !Restores(hidden, bound))
                    {
                        return $"has the property '{hidden.Name}' whose setter is not public (mark it [JsonInclude])";
                    }

                    continue;
                }

                if (member is IEventSymbol e)
                {
                    return $"has state the serializer cannot see: the event '{e.Name}'";
                }

                if (member is not IFieldSymbol { IsConst: false, AssociatedSymbol: not IEventSymbol } field)
                {
                    continue;
                }

                var owner = field.AssociatedSymbol as IPropertySymbol
                    ?? (field.DeclaredAccessibility == Accessibility.Public || HasAttribute(field, _jsonInclude) ? field : NamedLike(type, field.Name));
                if (owner is null)
                {
                    return $"has state the serializer cannot see: the non-public field '{field.Name}'";
                }

                var described = owner is IPropertySymbol ? $"the property '{owner.Name}'" : $"the field '{owner.Name}'";
                if (!InContract(owner))
                {
                    return owner.DeclaredAccessibility == Accessibility.Public || HasAttribute(owner, _jsonInclude)
                        ? $"has {described} that the serializer ignores"
                        : $"has state the serializer cannot see: the non-public {(owner is IPropertySymbol ? "property" : "field")} '{owner.Name}'";
                }

                if (!Restores(owner, bound))
                {
                    var how = owner is IPropertySymbol { SetMethod: not null }
                        ? "whose setter is not public (mark it [JsonInclude])"
                        : $"that is read-only and that no constructor parameter sets (add an init accessor, or a constructor parameter named '{char.ToLowerInvariant(owner.Name[0]) + owner.Name.Substring(1)}')";
                    return SymbolEqualityComparer.Default.Equals(owner, field) || SymbolEqualityComparer.Default.Equals(owner, field.AssociatedSymbol)
                        ? $"has {described} {how}"
                        : $"keeps '{field.Name}' behind {described}, {how}";
                }
            }
        }

        return null;
    }

    /// <summary>The members JSON writes: public properties and fields, and non-public ones marked [JsonInclude]; not [JsonIgnore].</summary>
    private IEnumerable<(string Name, ITypeSymbol Type)> ContractMembers(ITypeSymbol type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null && !IsFramework(t); t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                if (!member.IsStatic && InContract(member) && seen.Add(member.Name))
                {
                    switch (member)
                    {
                        case IPropertySymbol property:
                            yield return (property.Name, property.Type);
                            break;
                        case IFieldSymbol field:
                            yield return (field.Name, field.Type);
                            break;
                    }
                }
            }
        }
    }

    private bool InContract(ISymbol member)
    {
        if (!member.CanBeReferencedByName || (HasAttribute(member, _jsonIgnore) && IgnoresAlways(member)))
        {
            return false;
        }

        var included = member.DeclaredAccessibility == Accessibility.Public || HasAttribute(member, _jsonInclude);
        return member switch
        {
            IPropertySymbol { IsIndexer: false, GetMethod: { } getter } => included && (getter.DeclaredAccessibility == Accessibility.Public || HasAttribute(member, _jsonInclude)),
            IFieldSymbol { IsConst: false, AssociatedSymbol: null } => included,
            _ => false,
        };
    }

    /// <summary>Whether JSON sets <paramref name="member"/> when it reads a copy.</summary>
    private bool Restores(ISymbol member, HashSet<string> bound) =>
        bound.Contains(member.Name) || member switch
        {
            IPropertySymbol { SetMethod: { } setter } => setter.DeclaredAccessibility == Accessibility.Public || HasAttribute(member, _jsonInclude),
            IFieldSymbol field => !field.IsReadOnly,
            _ => false,
        };

    /// <summary>The contract member a private field is named after (<c>_name</c>, <c>m_name</c> → <c>Name</c>).</summary>
    private ISymbol? NamedLike(ITypeSymbol type, string fieldName)
    {
        var name = fieldName.TrimStart('_');
        if (name.StartsWith("m_", StringComparison.Ordinal))
        {
            name = name.Substring(2);
        }

        for (var t = type; t is not null && !IsFramework(t); t = t.BaseType)
        {
            if (t.GetMembers().FirstOrDefault(m => !m.IsStatic && m is IPropertySymbol or IFieldSymbol && string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase) && InContract(m)) is { } member)
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>
    /// The names (any case) of the parameters of the constructor JSON uses: the one marked [JsonConstructor], else none when
    /// there is a public parameterless one (always, for a struct), else the only public one.
    /// </summary>
    private HashSet<string> BoundParameters(ITypeSymbol type)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (type is not INamedTypeSymbol named)
        {
            return names;
        }

        var publicConstructors = named.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
        var constructor = named.InstanceConstructors.FirstOrDefault(c => HasAttribute(c, _jsonConstructor))
            ?? (type.IsValueType || publicConstructors.Any(c => c.Parameters.Length == 0) ? null : publicConstructors.Count == 1 ? publicConstructors[0] : null);
        foreach (var parameter in constructor?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty)
        {
            names.Add(parameter.Name);
        }

        return names;
    }

    private IEnumerable<ITypeSymbol> DerivedTypes(ITypeSymbol type) =>
        type.GetAttributes()
            .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _jsonDerivedType) && a.ConstructorArguments.Length > 0)
            .Select(a => a.ConstructorArguments[0].Value as ITypeSymbol)
            .Where(d => d is not null && !SymbolEqualityComparer.Default.Equals(d, type))!;

    private static bool IgnoresAlways(ISymbol member) =>
        member.GetAttributes().Where(a => a.AttributeClass?.Name == "JsonIgnoreAttribute")
            .All(a => a.NamedArguments.All(n => n.Key != "Condition" || n.Value.Value is 1)); // JsonIgnoreCondition.Always

    private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute) =>
        attribute is not null && symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

    private bool IsScalar(ITypeSymbol type) =>
        KeyTypeRules.IsPrimitiveValue(type) || type.TypeKind == TypeKind.Enum || s.SimpleTypes.Contains(type) || StrataSymbols.Is(type, s.Uri);

    private static bool IsFramework(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType || !type.Locations.Any(l => l.IsInSource) &&
        type.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal));
}
