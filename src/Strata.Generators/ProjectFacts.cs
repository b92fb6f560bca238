using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Strata.Generators;

/// <summary>
/// What a project declares about its configuration, as far as source can tell: the cache kinds it registers handlers
/// for (<c>AddCacheHandler("kind", ...)</c>) and the CacheLife profiles it configures (<c>options.CacheLife["name"] = ...</c>,
/// or a <c>Strata:CacheLife</c> section of an appsettings*.json given as an AdditionalFiles item).
/// </summary>
internal sealed class ProjectFacts
{
    private ProjectFacts(HashSet<string> kinds, HashSet<string> profiles)
    {
        Kinds = kinds;
        Profiles = profiles;
    }

    public HashSet<string> Kinds { get; }

    public HashSet<string> Profiles { get; }

    public static ProjectFacts Collect(Compilation compilation, ImmutableArray<AdditionalText> additionalFiles, CancellationToken cancellationToken)
    {
        var kinds = new HashSet<string>(KindRules.BuiltIn, StringComparer.Ordinal);
        var profiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            var root = tree.GetRoot(cancellationToken);
            foreach (var node in root.DescendantNodes())
            {
                switch (node)
                {
                    case InvocationExpressionSyntax invocation when NameOf(invocation.Expression) is { } method:
                        if (method.EndsWith("CacheHandler", StringComparison.Ordinal) && AnyString(invocation.ArgumentList) is { } kind)
                        {
                            kinds.Add(kind);
                        }
                        else if (method is "Add" or "TryAdd" && invocation.Expression is MemberAccessExpressionSyntax { Expression: var target }
                                 && NameOf(target) == "CacheLife" && FirstString(invocation.ArgumentList) is { } added)
                        {
                            profiles.Add(added);
                        }

                        break;
                    case ElementAccessExpressionSyntax access when NameOf(access.Expression) == "CacheLife" && FirstString(access.ArgumentList) is { } indexed:
                        profiles.Add(indexed);
                        break;
                    case ImplicitElementAccessSyntax implicitAccess when IsInCacheLifeInitializer(implicitAccess) && FirstString(implicitAccess.ArgumentList) is { } initialized:
                        profiles.Add(initialized);
                        break;
                }
            }
        }

        foreach (var file in additionalFiles)
        {
            var name = Path.GetFileName(file.Path);
            if (name.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                && file.GetText(cancellationToken)?.ToString() is { } json)
            {
                profiles.UnionWith(JsonSectionKeys(json, "CacheLife"));
            }
        }

        return new ProjectFacts(kinds, profiles);
    }

    /// <summary>
    /// The types this compilation registers in dependency injection, as far as source shows: the type arguments of
    /// <c>Add…</c>/<c>TryAdd…</c> calls (<c>AddScoped&lt;ICatalog, Catalog&gt;()</c>, <c>AddDbContext&lt;AppDb&gt;()</c>,
    /// <c>AddHttpClient&lt;Client&gt;()</c>...) and their <c>typeof(...)</c> arguments. Registrations made in other
    /// projects are not seen.
    /// </summary>
    public static HashSet<ITypeSymbol> RegisteredServices(Compilation compilation, CancellationToken cancellationToken)
    {
        var types = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var tree in compilation.SyntaxTrees)
        {
            SemanticModel? model = null;
            foreach (var invocation in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (NameOf(invocation.Expression) is not { } name || !(name.StartsWith("Add", StringComparison.Ordinal) || name.StartsWith("TryAdd", StringComparison.Ordinal)))
                {
                    continue;
                }

                model ??= compilation.GetSemanticModel(tree);
                if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method)
                {
                    foreach (var argument in method.TypeArguments)
                    {
                        types.Add(argument.OriginalDefinition);
                    }
                }

                foreach (var argument in invocation.ArgumentList.Arguments)
                {
                    if (argument.Expression is TypeOfExpressionSyntax typeOf && model.GetTypeInfo(typeOf.Type, cancellationToken).Type is { } type)
                    {
                        types.Add(type.OriginalDefinition);
                    }
                }
            }
        }

        return types;
    }

    private static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        _ => null,
    };

    private static string? FirstString(BaseArgumentListSyntax? arguments) =>
        arguments?.Arguments.FirstOrDefault()?.Expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression)
            ? literal.Token.ValueText
            : null;

    private static string? AnyString(ArgumentListSyntax arguments) =>
        arguments.Arguments.Select(a => a.Expression).OfType<LiteralExpressionSyntax>().FirstOrDefault(l => l.IsKind(SyntaxKind.StringLiteralExpression))?.Token.ValueText;

    private static bool IsInCacheLifeInitializer(ImplicitElementAccessSyntax access) =>
        access.Parent?.Parent is InitializerExpressionSyntax { Parent: AssignmentExpressionSyntax { Left: var left } } && NameOf(left) == "CacheLife";

    /// <summary>The keys of every JSON object named <paramref name="section"/> (a small scanner: netstandard2.0 has no JSON parser).</summary>
    internal static IEnumerable<string> JsonSectionKeys(string json, string section)
    {
        var marker = "\"" + section + "\"";
        for (var start = json.IndexOf(marker, StringComparison.Ordinal); start >= 0; start = json.IndexOf(marker, start + marker.Length, StringComparison.Ordinal))
        {
            var i = start + marker.Length;
            while (i < json.Length && char.IsWhiteSpace(json[i]))
            {
                i++;
            }

            if (i >= json.Length || json[i] != ':')
            {
                continue;
            }

            i++;
            while (i < json.Length && char.IsWhiteSpace(json[i]))
            {
                i++;
            }

            if (i >= json.Length || json[i] != '{')
            {
                continue;
            }

            var depth = 0;
            string? lastString = null;
            for (; i < json.Length; i++)
            {
                var c = json[i];
                if (c == '"')
                {
                    var end = i + 1;
                    while (end < json.Length && json[end] != '"')
                    {
                        end += json[end] == '\\' ? 2 : 1;
                    }

                    lastString = json.Substring(i + 1, Math.Max(0, Math.Min(end, json.Length) - i - 1));
                    i = end;
                }
                else if (c == ':' && depth == 1 && lastString is not null)
                {
                    yield return lastString;
                    lastString = null;
                }
                else if (c is '{' or '[')
                {
                    depth++;
                }
                else if (c is '}' or ']')
                {
                    if (--depth == 0)
                    {
                        break;
                    }
                }
                else if (c == ',')
                {
                    lastString = null;
                }
            }
        }
    }
}
