using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Strata.Generators;

/// <summary>
/// Registers every <c>[UseServer]</c> method (or every public method of a <c>[UseServer]</c> class) that keeps the rules of
/// <see cref="ServerRules"/> with <c>Strata.Generated.ServerFunctions</c>, from a module initializer: its stable name, its
/// parameters and a typed invoker that reads each argument as its declared type and calls the method directly (no
/// reflection at call time). Methods that break a rule are left to the analyzer's errors. Pipeline: parse → equatable
/// model → emit.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class UseServerGenerator : IIncrementalGenerator
{
    /// <summary>The tracking name of the step that turns [UseServer] declarations into models.</summary>
    public const string ModelStep = "UseServerModel";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                StrataSymbols.UseServerAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax or MethodDeclarationSyntax,
                static (ctx, ct) => ServerModelBuilder.Build(ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct))
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(ModelStep);

        context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(model.HintName, ServerEmitter.Emit(model)));
    }
}

/// <summary>A parameter of a server function: its name, its type for typeof and for reading, where it comes from, whether null is valid.</summary>
internal sealed record ServerParameterModel(string Name, string Type, string AnnotatedType, string Source, bool AllowsNull);

/// <summary>
/// One server function. A method of a [UseServer] interface also has the interface (<paramref name="Contract"/>, which the
/// invoker resolves), its fixed action id and the name of the implementing method (for its attributes).
/// </summary>
internal sealed record ServerMethodModel(string Name, string StableName, bool IsStatic, string? ResultType, EquatableArray<ServerParameterModel> Parameters,
    string? Contract = null, string? ContractId = null, string? ImplementationName = null);

/// <summary>The server functions one [UseServer] declaration speaks for (a class, or one method of a class without the class-level attribute).</summary>
internal sealed record ServerTypeModel(string HintName, string ClassName, string DeclaringType, EquatableArray<ServerMethodModel> Methods);

internal static class ServerModelBuilder
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    private static readonly SymbolDisplayFormat AnnotatedFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The stable form of a type in a name: namespace-qualified, no 'global::', no nullability.</summary>
    private static readonly SymbolDisplayFormat IdFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static ServerTypeModel? Build(ISymbol target, Compilation compilation, CancellationToken cancellationToken)
    {
        var s = StrataSymbols.Create(compilation);
        var type = target as INamedTypeSymbol ?? target.ContainingType;
        if (type is null || type.TypeKind == TypeKind.Interface)
        {
            return null;
        }

        IMethodSymbol[] methods;
        if (target is IMethodSymbol method)
        {
            if (s.UseServerOf(type) is not null)
            {
                return null; // the class-level declaration speaks for every method
            }

            methods = new[] { method };
        }
        else
        {
            methods = ServerRules.MethodsOf(type, s).ToArray();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var models = methods.Where(m => ServerRules.CanRegister(m, s)).Select(m => BuildMethod(m, s)).ToImmutableArray();
        if (models.Length == 0)
        {
            return null;
        }

        var typeName = type.ToDisplayString(IdFormat);
        var suffix = target is IMethodSymbol ? "_" + models[0].Name + "_" + Hash(models[0].StableName) : "";
        var className = "__StrataServer_" + Sanitize(typeName) + suffix;
        return new ServerTypeModel(className + ".g.cs", className, type.ToDisplayString(TypeFormat), models);
    }

    internal static ServerMethodModel BuildMethod(IMethodSymbol method, StrataSymbols s)
    {
        ServerRules.IsAsync(method, s, out var result, out _);
        var stable = StableName(method);
        var parameters = method.Parameters.Select(p => new ServerParameterModel(
            p.Name,
            p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat),
            p.Type.ToDisplayString(AnnotatedFormat),
            StrataSymbols.Is(p.Type, s.CancellationToken) ? "CancellationToken" : StrataSymbols.Is(p.Type, s.FormData) ? "Form" : "Value",
            AllowsNull(p.Type))).ToImmutableArray();
        return new ServerMethodModel(method.Name, stable, method.IsStatic, result?.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat), parameters);
    }

    /// <summary>The stable name of a method: namespace-qualified type, name and parameter types, e.g. <c>Shop.Users.Create(string,int)</c>.</summary>
    public static string StableName(IMethodSymbol method) =>
        $"{method.ContainingType.ToDisplayString(IdFormat)}.{method.Name}({string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(IdFormat)))})";

    /// <summary>The type's name in a generated class name: namespace-qualified, every other character an underscore.</summary>
    public static string ClassNameOf(INamedTypeSymbol type) => Sanitize(type.ToDisplayString(IdFormat));

    private static bool AllowsNull(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T }
        || (type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsLetterOrDigit(c) ? c : '_');
        }

        return builder.ToString();
    }

    private static string Hash(string text)
    {
        unchecked
        {
            var hash = 2166136261u; // FNV-1a: a short, stable suffix that keeps overloads apart
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>Writes the registrations of one [UseServer] declaration.</summary>
internal static class ServerEmitter
{
    public static string Emit(ServerTypeModel model)
    {
        var w = new StringBuilder();
        w.AppendLine("// <auto-generated>Written by Strata's [UseServer] source generator. Do not edit.</auto-generated>");
        w.AppendLine("#nullable enable");
        w.AppendLine("#pragma warning disable CS0612, CS0618, CS1591, CA2255");
        w.AppendLine();
        w.AppendLine("namespace Strata.Generated.Server");
        w.AppendLine("{");
        w.AppendLine("    [global::System.CodeDom.Compiler.GeneratedCode(\"Strata.Generators\", \"1.0\")]");
        w.AppendLine("    [global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Append("    internal static class ").AppendLine(model.ClassName);
        w.AppendLine("    {");
        w.AppendLine("        [global::System.Runtime.CompilerServices.ModuleInitializer]");
        w.AppendLine("        internal static void Register()");
        w.AppendLine("        {");
        foreach (var method in model.Methods)
        {
            EmitMethod(w, model, method);
        }

        w.AppendLine("        }");
        w.AppendLine("    }");
        w.AppendLine("}");
        return w.ToString();
    }

    private static void EmitMethod(StringBuilder w, ServerTypeModel model, ServerMethodModel method)
    {
        const string I = "            ";
        w.Append(I).AppendLine("global::Strata.Generated.ServerFunctions.Register(new global::Strata.Generated.ServerFunction(");
        w.Append(I).Append("    typeof(").Append(model.DeclaringType).Append("), ").Append(Literal(method.ImplementationName ?? method.Name)).Append(", ").Append(Literal(method.StableName))
            .Append(", ").Append(method.IsStatic ? "true" : "false").AppendLine(",");
        w.Append(I).AppendLine("    new global::Strata.Generated.ServerParameter[]");
        w.Append(I).AppendLine("    {");
        foreach (var p in method.Parameters)
        {
            w.Append(I).Append("        new global::Strata.Generated.ServerParameter(").Append(Literal(p.Name)).Append(", typeof(").Append(p.Type)
                .Append("), global::Strata.Generated.ServerParameterSource.").Append(p.Source).Append(", ").Append(p.AllowsNull ? "true" : "false").AppendLine("),");
        }

        w.Append(I).AppendLine("    },");
        w.Append(I).Append("    ").Append(method.ResultType is null ? "null" : "typeof(" + method.ResultType + ")").AppendLine(",");
        w.Append(I).AppendLine("    static async (__services, __arguments, __cancellationToken) =>");
        w.Append(I).AppendLine("    {");

        // Every argument is read before anything else happens: an invalid one throws, and the method never runs.
        var arguments = new string[method.Parameters.Length];
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var p = method.Parameters[i];
            if (p.Source == "CancellationToken")
            {
                arguments[i] = "__cancellationToken";
                continue;
            }

            arguments[i] = "__a" + i;
            w.Append(I).Append("        var __a").Append(i).Append(" = __arguments.Get<").Append(p.AnnotatedType).Append(">(").Append(i).AppendLine(");");
        }

        var target = method.IsStatic ? model.DeclaringType : $"global::Strata.Generated.ServerFunctions.Resolve<{method.Contract ?? model.DeclaringType}>(__services)";
        var call = $"{target}.{Escape(method.Name)}({string.Join(", ", arguments)})";
        if (method.ResultType is null)
        {
            w.Append(I).Append("        await ").Append(call).AppendLine(".ConfigureAwait(false);");
            w.Append(I).AppendLine("        return null;");
        }
        else
        {
            w.Append(I).Append("        return await ").Append(call).AppendLine(".ConfigureAwait(false);");
        }

        if (method.Contract is null)
        {
            w.Append(I).AppendLine("    }));");
        }
        else
        {
            w.Append(I).Append("    }) { Contract = typeof(").Append(method.Contract).Append("), ContractId = ").Append(Literal(method.ContractId!)).AppendLine(" });");
        }
    }

    internal static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    internal static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
