using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Strata.Generators;

/// <summary>
/// <c>[UseServer]</c> interfaces (Next.js: a <c>'use server'</c> module imported into client code). Where the interface is
/// compiled and Strata.Client is referenced (the <c>.Client</c> project), writes a proxy class whose methods call the server
/// with <c>ServerProxies.CallAsync</c> and registers it with <c>ServerProxies</c> from a module initializer. Where a class
/// implements such an interface and Strata is referenced (the server), registers each interface method as a server
/// function whose invoker resolves the interface from the request's services, under the id both sides derive
/// (<see cref="ProxyRules.IdOf"/>). Interfaces that break a rule of <see cref="ProxyRules"/> are left to the analyzer.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class UseServerProxyGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var proxies = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                StrataSymbols.UseServerAttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (ctx, ct) => ProxyModelBuilder.BuildProxy((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct))
            .Where(static m => m is not null)
            .Select(static (m, _) => m!);
        context.RegisterSourceOutput(proxies, static (spc, model) => spc.AddSource(model.HintName, ProxyEmitter.Emit(model)));

        var implementations = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is ClassDeclarationSyntax { BaseList: not null },
                static (ctx, ct) => ProxyModelBuilder.BuildImplementations((ClassDeclarationSyntax)ctx.Node, ctx.SemanticModel, ct))
            .SelectMany(static (models, _) => models);
        context.RegisterSourceOutput(implementations, static (spc, model) => spc.AddSource(model.HintName, ServerEmitter.Emit(model)));
    }
}

/// <summary>A parameter of a proxied method: its name, its type as declared, whether it is the call's CancellationToken.</summary>
internal sealed record ProxyParameterModel(string Name, string AnnotatedType, bool IsCancellationToken);

/// <summary>A proxied method: what it returns (the declared type, the result type or null, whether a ValueTask) and its action id.</summary>
internal sealed record ProxyMethodModel(string Name, string ReturnType, string? ResultType, bool IsValueTask, string Id, EquatableArray<ProxyParameterModel> Parameters);

/// <summary>The proxy of one [UseServer] interface.</summary>
internal sealed record ProxyModel(string HintName, string ClassName, string Interface, EquatableArray<ProxyMethodModel> Methods);

internal static class ProxyModelBuilder
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static ProxyModel? BuildProxy(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var s = StrataSymbols.Create(compilation);
        if (s.ServerProxies is null || !ProxyRules.CanProxy(type, s))
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var methods = ProxyRules.MethodsOf(type).Select(m =>
        {
            ServerRules.IsAsync(m, s, out var result, out var isValueTask);
            return new ProxyMethodModel(
                m.Name,
                m.ReturnType.ToDisplayString(TypeFormat),
                result?.ToDisplayString(TypeFormat),
                isValueTask,
                ProxyRules.IdOf(m),
                m.Parameters.Select(p => new ProxyParameterModel(p.Name, p.Type.ToDisplayString(TypeFormat), StrataSymbols.Is(p.Type, s.CancellationToken))).ToImmutableArray());
        }).ToImmutableArray();
        var className = "__StrataProxy_" + ServerModelBuilder.ClassNameOf(type);
        return new ProxyModel(className + ".g.cs", className, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), methods);
    }

    /// <summary>The server registrations of the [UseServer] interfaces a class implements (one model per interface).</summary>
    public static ImmutableArray<ServerTypeModel> BuildImplementations(ClassDeclarationSyntax node, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        if (semanticModel.GetDeclaredSymbol(node, cancellationToken) is not INamedTypeSymbol type
            || type.IsAbstract || type.IsStatic || type.IsGenericType
            || type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<ClassDeclarationSyntax>().First(d => d.BaseList is not null) != node)
        {
            return ImmutableArray<ServerTypeModel>.Empty; // one partial declaration speaks for the class
        }

        var s = StrataSymbols.Create(semanticModel.Compilation);
        if (s.ServerFunctions is null || s.UseServer is null)
        {
            return ImmutableArray<ServerTypeModel>.Empty;
        }

        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            {
                return ImmutableArray<ServerTypeModel>.Empty;
            }
        }

        var models = ImmutableArray.CreateBuilder<ServerTypeModel>();
        foreach (var contract in type.AllInterfaces.Where(i => s.UseServerOf(i) is not null && ProxyRules.CanProxy(i, s)))
        {
            var methods = ProxyRules.MethodsOf(contract).Select(m => ServerModelBuilder.BuildMethod(m, s) with
            {
                StableName = ServerModelBuilder.ClassNameOf(type) + ":" + ServerModelBuilder.StableName(m),
                IsStatic = false,
                Contract = contract.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                ContractId = ProxyRules.IdOf(m),
                ImplementationName = type.FindImplementationForInterfaceMember(m)?.Name ?? m.Name,
            }).ToImmutableArray();
            var className = "__StrataServer_" + ServerModelBuilder.ClassNameOf(type) + "_as_" + ServerModelBuilder.ClassNameOf(contract);
            models.Add(new ServerTypeModel(className + ".g.cs", className, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), methods));
        }

        return models.ToImmutable();
    }
}

/// <summary>Writes the proxy of one [UseServer] interface and its registration.</summary>
internal static class ProxyEmitter
{
    public static string Emit(ProxyModel model)
    {
        var w = new StringBuilder();
        w.AppendLine("// <auto-generated>Written by Strata's [UseServer] source generator. Do not edit.</auto-generated>");
        w.AppendLine("#nullable enable");
        w.AppendLine("#pragma warning disable CS0612, CS0618, CS1591, CA2255");
        w.AppendLine();
        w.AppendLine("namespace Strata.Generated.Proxies");
        w.AppendLine("{");
        w.AppendLine("    [global::System.CodeDom.Compiler.GeneratedCode(\"Strata.Generators\", \"1.0\")]");
        w.AppendLine("    [global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Append("    internal sealed class ").Append(model.ClassName).Append(" : ").AppendLine(model.Interface);
        w.AppendLine("    {");
        w.AppendLine("        [global::System.Runtime.CompilerServices.ModuleInitializer]");
        w.AppendLine("        internal static void Register() =>");
        w.Append("            global::Strata.Client.ServerProxies.Register(typeof(").Append(model.Interface).Append("), static _ => new ").Append(model.ClassName).AppendLine("());");
        foreach (var method in model.Methods)
        {
            var parameters = string.Join(", ", method.Parameters.Select(p => p.AnnotatedType + " " + ServerEmitter.Escape(p.Name)));
            var arguments = string.Join(", ", method.Parameters.Where(p => !p.IsCancellationToken).Select(p => ServerEmitter.Escape(p.Name)));
            var token = method.Parameters.FirstOrDefault(p => p.IsCancellationToken) is { } t ? ServerEmitter.Escape(t.Name) : "default";
            var call = $"global::Strata.Client.ServerProxies.CallAsync<{method.ResultType ?? "object?"}>({ServerEmitter.Literal(method.Id)}, new object?[] {{ {arguments} }}, {token})";
            if (method.IsValueTask)
            {
                call = $"new {method.ReturnType}({call})";
            }

            w.AppendLine();
            w.Append("        ").Append(method.ReturnType).Append(' ').Append(model.Interface).Append('.').Append(ServerEmitter.Escape(method.Name))
                .Append('(').Append(parameters).AppendLine(") =>");
            w.Append("            ").Append(call).AppendLine(";");
        }

        w.AppendLine("    }");
        w.AppendLine("}");
        return w.ToString();
    }
}
