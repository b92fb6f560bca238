using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Strata.Generators;

/// <summary>
/// Reports the parameter values that cannot cross into a client component (<see cref="ClientRules"/>): at each use site,
/// in the code Razor generates for <c>&lt;Counter Step="..." /&gt;</c> (OpenComponent, AddComponentParameter or
/// AddAttribute, AddComponentRenderMode, CloseComponent; Razor's output is generated code, which this analyzer asks to
/// see, and its <c>#line</c> directives put the diagnostics in the .razor file), and at the declaration of a client
/// component's [Parameter] whose type can never cross (STRATA054).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClientPropsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        ClientDescriptors.Function,
        ClientDescriptors.Content,
        ClientDescriptors.Service,
        ClientDescriptors.Json,
        ClientDescriptors.Declaration);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = StrataSymbols.Create(start.Compilation);
            var rules = new ClientRules(symbols);
            if (rules.RenderTreeBuilder is null || symbols.Component is null)
            {
                return;
            }

            start.RegisterOperationBlockAction(c => AnalyzeBlock(c, rules));
            start.RegisterSymbolAction(c => AnalyzeComponent(c, symbols, rules), SymbolKind.NamedType);
        });
    }

    /// <summary>STRATA054: a [Parameter] of a client component whose declared type can never cross.</summary>
    private static void AnalyzeComponent(SymbolAnalysisContext context, StrataSymbols s, ClientRules rules)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!s.IsComponent(type) || !rules.IsClientComponent(type))
        {
            return;
        }

        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (!property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Microsoft.AspNetCore.Components.ParameterAttribute")
                || rules.Check(property.Type) is not { } problem)
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                ClientDescriptors.Declaration,
                property.Locations.FirstOrDefault(),
                type.Name,
                property.Name,
                ClientRules.Display(property.Type),
                problem.Reason,
                ClientPropTexts.Fix(problem.Kind)));
        }
    }

    /// <summary>
    /// Follows the render tree builder calls of a method (per builder: Razor gives ChildContent lambdas a builder of their
    /// own) and checks each component that runs in the browser. Not in a client component itself: what it renders runs in
    /// the browser with it, so nothing crosses (Blazor creates such children directly, also when it prerenders them).
    /// </summary>
    private static void AnalyzeBlock(OperationBlockAnalysisContext context, ClientRules rules)
    {
        if (context.OwningSymbol.ContainingType is { } owner && rules.IsClientComponent(owner))
        {
            return;
        }

        Dictionary<ISymbol, Stack<OpenFrame?>>? frames = null;
        Dictionary<ILocalSymbol, ITypeSymbol?>? locals = null;
        foreach (var block in context.OperationBlocks)
        {
            foreach (var operation in block.DescendantsAndSelf())
            {
                // Razor puts the mode of @rendermode in a local first: IComponentRenderMode __renderMode = InteractiveWebAssembly;
                if (operation is IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator)
                {
                    (locals ??= new Dictionary<ILocalSymbol, ITypeSymbol?>(SymbolEqualityComparer.Default))[declarator.Symbol] = StaticType(initial);
                    continue;
                }

                if (operation is not IInvocationOperation { Instance: { } instance } invocation
                    || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, rules.RenderTreeBuilder)
                    || BuilderOf(instance) is not { } builder)
                {
                    continue;
                }

                frames ??= new Dictionary<ISymbol, Stack<OpenFrame?>>(SymbolEqualityComparer.Default);
                if (!frames.TryGetValue(builder, out var stack))
                {
                    stack = new Stack<OpenFrame?>();
                    frames[builder] = stack;
                }

                Step(context, rules, invocation, stack, locals);
            }
        }
    }

    private static void Step(OperationBlockAnalysisContext context, ClientRules rules, IInvocationOperation invocation, Stack<OpenFrame?> stack, Dictionary<ILocalSymbol, ITypeSymbol?>? locals)
    {
        var method = invocation.TargetMethod;
        switch (method.Name)
        {
            case "OpenComponent":
                stack.Push(new OpenFrame(ComponentType(invocation)));
                break;
            case "OpenElement" or "OpenRegion":
                stack.Push(null);
                break;
            case "CloseElement" or "CloseRegion":
                if (stack.Count > 0)
                {
                    stack.Pop();
                }

                break;
            case "AddComponentParameter" or "AddAttribute" when stack.Count > 0 && stack.Peek() is { } frame && invocation.Arguments.Length == 3:
                if (invocation.Arguments[1].Value.ConstantValue is { HasValue: true, Value: string name })
                {
                    frame.Parameters.Add((name, invocation.Arguments[2].Value));
                }

                break;
            case "AddComponentRenderMode" when stack.Count > 0 && stack.Peek() is { } frame && invocation.Arguments.Length == 1:
                var mode = invocation.Arguments[0].Value;
                frame.ClientMode = rules.IsClientMode(
                    Unwrap(mode) is ILocalReferenceOperation local && locals is not null && locals.TryGetValue(local.Local, out var assigned) ? assigned : StaticType(mode));
                break;
            case "CloseComponent" when stack.Count > 0:
                if (stack.Pop() is { Type: { } type } closed && (closed.ClientMode || rules.IsClientComponent(type)))
                {
                    Report(context, rules, type, closed);
                }

                break;
        }
    }

    private static void Report(OperationBlockAnalysisContext context, ClientRules rules, INamedTypeSymbol component, OpenFrame frame)
    {
        foreach (var (name, value) in frame.Parameters)
        {
            var type = StaticType(value);
            if (type is null || rules.Check(type) is not { } problem)
            {
                continue;
            }

            var parameter = component.GetMembers().OfType<IPropertySymbol>().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.Name ?? name;
            context.ReportDiagnostic(Diagnostic.Create(
                ClientDescriptors.ForUseSite(problem.Kind),
                UserLocation(value.Syntax) ?? frame.Parameters.Select(p => UserLocation(p.Value.Syntax)).FirstOrDefault(l => l is not null) ?? value.Syntax.GetLocation(),
                parameter,
                component.Name,
                ClientRules.Value(type),
                problem.Reason));
        }
    }

    /// <summary>
    /// The type of what is passed: conversions to object (and Razor's <c>RuntimeHelpers.TypeCheck&lt;T&gt;(value)</c>) are
    /// looked through; a lambda or method group has the type it is converted to.
    /// </summary>
    private static ITypeSymbol? StaticType(IOperation value) => Unwrap(value).Type;

    private static IOperation Unwrap(IOperation value)
    {
        while (true)
        {
            switch (value)
            {
                case IConversionOperation { Conversion.IsUserDefined: false, Operand: { Type: not null } operand }:
                    value = operand;
                    continue;
                case IInvocationOperation { TargetMethod: { Name: "TypeCheck", ContainingType.Name: "RuntimeHelpers" }, Arguments.Length: 1 } check:
                    value = check.Arguments[0].Value;
                    continue;
                default:
                    return value;
            }
        }
    }

    /// <summary>
    /// The outermost part of generated code that Razor maps to the .razor file (its <c>#line</c> directives cover the
    /// expressions the user wrote, not the code around them; a ChildContent lambda maps nowhere, so it is reported at
    /// another parameter of the same component when there is one); null in hand-written C#, where the whole value is used.
    /// </summary>
    private static Location? UserLocation(SyntaxNode node) =>
        node.DescendantNodesAndSelf().Select(n => n.GetLocation()).FirstOrDefault(l => l.GetLineSpan().Path != l.GetMappedLineSpan().Path);

    private static INamedTypeSymbol? ComponentType(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.IsGenericMethod)
        {
            return invocation.TargetMethod.TypeArguments[0] as INamedTypeSymbol;
        }

        return invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "componentType")?.Value is ITypeOfOperation { TypeOperand: INamedTypeSymbol type } ? type : null;
    }

    private static ISymbol? BuilderOf(IOperation instance) => instance switch
    {
        IParameterReferenceOperation p => p.Parameter,
        ILocalReferenceOperation l => l.Local,
        IFieldReferenceOperation f => f.Field,
        _ => null,
    };

    /// <summary>A component frame being built: its type, the parameters given so far, and whether the use site gives it a client render mode.</summary>
    private sealed class OpenFrame(INamedTypeSymbol? type)
    {
        public INamedTypeSymbol? Type { get; } = type;

        public List<(string Name, IOperation Value)> Parameters { get; } = new();

        public bool ClientMode { get; set; }
    }
}
