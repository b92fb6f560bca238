using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Strata.Generators;

/// <summary>
/// Reports at build time what the engine would refuse in a cached function's key: a <c>Cache.Function</c> lambda's
/// captured variables (found by Roslyn's data-flow analysis: captured and read inside the lambda, nested lambdas and
/// expression trees included) that are neither plain data nor infrastructure (STRATA018), or that are request state or
/// a Razor component (STRATA019); and a pass-through parameter (<c>RenderFragment</c>) that a cached function inspects
/// instead of handing it on (STRATA020). Runs on generated code too, so Razor components are checked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CacheKeyAnalyzer : DiagnosticAnalyzer
{
    private const string ComponentFix = "Copy the values the lambda needs into local variables (which are captured into the key), or pass them as arguments.";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.CapturedNotKeyable,
        Descriptors.CapturedRefused,
        Descriptors.PassThroughInspected);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var s = StrataSymbols.Create(start.Compilation);
            if (s.Cache is null)
            {
                return;
            }

            var registered = new Lazy<HashSet<ITypeSymbol>>(() => ProjectFacts.RegisteredServices(start.Compilation, CancellationToken.None));
            start.RegisterOperationAction(c => AnalyzeFunction(c, s, registered), OperationKind.AnonymousFunction, OperationKind.MethodReference);
            start.RegisterOperationAction(c => AnalyzePassThrough(c, s), OperationKind.ParameterReference);
        });
    }

    private static void AnalyzeFunction(OperationAnalysisContext context, StrataSymbols s, Lazy<HashSet<ITypeSymbol>> registered)
    {
        if (CacheRules.FunctionCall(context.Operation, s) is null)
        {
            return;
        }

        if (context.Operation is IMethodReferenceOperation { Instance: { } instance })
        {
            // A method group: its target is the one captured value.
            var name = instance is IInstanceReferenceOperation ? "this" : instance.Syntax.ToString();
            Check(context, name, instance.Type, instance.Syntax.GetLocation(), s, registered);
            return;
        }

        if (context.Operation is not IAnonymousFunctionOperation { Syntax: var lambda } || context.Operation.SemanticModel is not { } model)
        {
            return;
        }

        var flow = model.AnalyzeDataFlow(lambda);
        if (flow is null || !flow.Succeeded)
        {
            return;
        }

        var declaredInside = new HashSet<ISymbol>(flow.VariablesDeclared, SymbolEqualityComparer.Default);
        var read = new HashSet<ISymbol>(flow.ReadInside, SymbolEqualityComparer.Default);
        foreach (var variable in flow.CapturedInside)
        {
            if (declaredInside.Contains(variable) || !read.Contains(variable))
            {
                continue;
            }

            var (name, type) = variable switch
            {
                IParameterSymbol { IsThis: true } self => ("this", self.Type),
                ILocalSymbol local => (local.Name, local.Type),
                IParameterSymbol parameter => (parameter.Name, parameter.Type),
                _ => (variable.Name, (ITypeSymbol?)null),
            };
            Check(context, name, type, FirstUse(context.Operation, variable) ?? lambda.GetLocation(), s, registered);
        }
    }

    /// <summary>Reports a captured value that the engine would refuse (or refuse unless it is registered).</summary>
    private static void Check(OperationAnalysisContext context, string name, ITypeSymbol? type, Location location, StrataSymbols s, Lazy<HashSet<ITypeSymbol>> registered)
    {
        // Object, type parameters, dynamic: only the run time can tell. Delegates are keyed by identity.
        if (type is null || type is ITypeParameterSymbol || type.SpecialType == SpecialType.System_Object || type.TypeKind is TypeKind.Error or TypeKind.Dynamic or TypeKind.Delegate
            || KeyTypeRules.IsPassThrough(type, s))
        {
            return;
        }

        var display = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        if (s.IsComponent(type))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.CapturedRefused, location, name, display, "is a Razor component: its parameters and state are request data and would not be part of the key", ComponentFix));
            return;
        }

        if (StrataSymbols.IsAnyOf(type, s.RequestStateTypes))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.CapturedRefused, location, name, display, "is request state, not plain data", "Read the values the lambda needs (an id, a culture, a user id) outside it and capture or pass those instead."));
            return;
        }

        if (StrataSymbols.IsAnyOf(type, s.InfrastructureTypes) || IsRegistered(type, registered.Value))
        {
            return;
        }

        if (KeyTypeRules.Check(type, name, s) is { } problem)
        {
            var reason = problem.Path == name
                ? problem.Reason
                : $"holds '{problem.Path}' of type {problem.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}, which {problem.Reason}";
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.CapturedNotKeyable, location, name, display, reason));
        }
    }

    /// <summary>Whether the type, a base type or an interface (not a collection one) is registered in DI in this compilation.</summary>
    private static bool IsRegistered(ITypeSymbol type, HashSet<ITypeSymbol> registered)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (registered.Contains(t.OriginalDefinition))
            {
                return true;
            }
        }

        return type.AllInterfaces.Any(i => registered.Contains(i.OriginalDefinition) && !i.AllInterfaces.Any(b => b.SpecialType == SpecialType.System_Collections_IEnumerable));
    }

    /// <summary>Where the lambda first reads the variable (an implicit <c>this</c> is where the member is named).</summary>
    private static Location? FirstUse(IOperation lambda, ISymbol variable)
    {
        foreach (var operation in lambda.Descendants())
        {
            var symbol = operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => (ISymbol?)(variable is IParameterSymbol { IsThis: true } ? variable : null),
                _ => null,
            };
            if (symbol is not null && SymbolEqualityComparer.Default.Equals(symbol, variable))
            {
                return operation.Syntax.GetLocation();
            }
        }

        return null;
    }

    private static void AnalyzePassThrough(OperationAnalysisContext context, StrataSymbols s)
    {
        var reference = (IParameterReferenceOperation)context.Operation;
        var parameter = reference.Parameter;
        if (!KeyTypeRules.IsRenderFragment(parameter.Type, s) || Inspection(reference) is not { } verb || CachedFunctionName(reference, parameter, s) is not { } function)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.PassThroughInspected,
            reference.Parent?.Syntax.GetLocation() ?? reference.Syntax.GetLocation(),
            function,
            verb,
            parameter.Name,
            parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
    }

    /// <summary>What the code does with the value when it looks inside it; null when it only hands it on.</summary>
    private static string? Inspection(IOperation reference)
    {
        var current = reference;
        var parent = current.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        return parent switch
        {
            IInvocationOperation invocation when invocation.Instance == current => "invokes",
            IMemberReferenceOperation member when member.Instance == current => "reads a member of",
            IConditionalAccessOperation access when access.Operation == current => access.WhenNotNull is IInvocationOperation ? "invokes" : "reads a member of",
            IBinaryOperation => "compares",
            IIsPatternOperation or IIsTypeOperation or ISwitchExpressionOperation or ISwitchOperation => "tests",
            ICoalesceOperation coalesce when coalesce.Value == current => "tests",
            _ => null,
        };
    }

    /// <summary>The cached function the parameter belongs to (a [UseCache] method or a Cache.Function lambda); null otherwise.</summary>
    private static string? CachedFunctionName(IOperation reference, IParameterSymbol parameter, StrataSymbols s)
    {
        if (parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda)
        {
            for (var o = reference.Parent; o is not null; o = o.Parent)
            {
                if (o is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                {
                    return CacheRules.FunctionCall(function, s) is null ? null : "The Cache.Function lambda";
                }
            }

            return null;
        }

        return parameter.ContainingSymbol is IMethodSymbol method && CacheRules.For(method, s) is not null && !s.IsComponent(method.ContainingType)
            ? $"'{method.ToDisplayString(CacheRules.NameFormat)}'"
            : null;
    }
}
