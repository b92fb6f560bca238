using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Strata.Generators;

/// <summary>
/// Checks what runs inside cached functions (<c>[UseCache]</c> methods, <c>Cache.Function</c> lambdas, cached components):
/// no request data in public caches, no <c>Connection()</c>, no revalidation; and, outside them, warns about
/// <c>CacheLife</c>/<c>CacheTag</c> calls that would throw, and about <c>CacheLife("name")</c> profiles that are not configured.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CacheScopeAnalyzer : DiagnosticAnalyzer
{
    private const string RequestInUseCache = "https://nextjs.org/docs/messages/next-request-in-use-cache";

    private static readonly string[] BuiltInProfiles = { "default", "seconds", "minutes", "hours", "days", "weeks", "max" };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.RequestData,
        Descriptors.Connection,
        Descriptors.Revalidation,
        Descriptors.OutsideScope,
        Descriptors.UnknownProfile,
        Descriptors.PrivateInsidePublic,
        Descriptors.RemoteInsidePrivate);

    /// <summary>The text after "used `X` inside [UseCache]." for each request API; the engine's texts (ErrorMessages.cs).</summary>
    internal static string RequestDataAdvice(string api) => api == "SearchParams()"
        ? "Accessing dynamic request data inside a cache scope is not supported. If you need some search params inside a cached function read `SearchParams()` outside of the cached function and pass only the required search params as arguments to the cached function. See more info here: " + RequestInUseCache
        : $"Accessing Dynamic data sources inside a cache scope is not supported. If you need this data inside a cached function use `{api}` outside of the cached function and pass the required dynamic data in as an argument. See more info here: " + RequestInUseCache;

    internal static string ConnectionAdvice(bool isPrivate) => isPrivate
        ? "The `Connection()` function is used to indicate the subsequent code must only run when there is an actual navigation request, but caches must be able to be produced before a navigation request, so this function is not allowed in this scope. See more info here: " + RequestInUseCache
        : "The `Connection()` function is used to indicate the subsequent code must only run when there is an actual request, but caches must be able to be produced before a request, so this function is not allowed in this scope. See more info here: " + RequestInUseCache;

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

            var facts = new Lazy<ProjectFacts>(() => ProjectFacts.Collect(start.Compilation, start.Options.AdditionalFiles, CancellationToken.None));
            start.RegisterOperationAction(c => AnalyzeInvocation(c, s, facts), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeMemberReference(c, s), OperationKind.PropertyReference, OperationKind.FieldReference);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, StrataSymbols s, Lazy<ProjectFacts> facts)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var onCache = SymbolEqualityComparer.Default.Equals(method.ContainingType, s.Cache);
        var onRuntime = SymbolEqualityComparer.Default.Equals(method.ContainingType, s.CacheRuntime);
        if (!onCache && !onRuntime)
        {
            if (IsHttpMember(method, invocation.Instance, s, out var api) && !IsReported(invocation.Instance, s))
            {
                ReportRequestData(context, api, s);
            }
            else if (CacheRules.For(method, s) is { } callee)
            {
                ReportNesting(context, callee, s);
            }

            return;
        }

        var location = invocation.Syntax.GetLocation();
        switch (method.Name)
        {
            case "Cookies" or "Headers" or "SearchParams" when onCache:
                ReportRequestData(context, method.Name + "()", s);
                break;
            case "Connection" when onCache:
                if (ContextOf(context.Operation, s) is { } connectionScope)
                {
                    var isPrivate = connectionScope.Kind == CacheRules.PrivateKind;
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.Connection, location, connectionScope.Name, CacheRules.Directive(connectionScope.Kind), ConnectionAdvice(isPrivate)));
                }

                break;
            case "RevalidateTag" or "UpdateTag" or "RevalidatePath" or "Refresh" when onCache:
            case "RevalidateTagAsync" or "UpdateTagAsync" or "RevalidatePathAsync" or "Refresh" when onRuntime:
                if (ContextOf(context.Operation, s) is { } revalidationScope)
                {
                    var expression = method.Name.Replace("Async", "");
                    if (invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value.ConstantValue is { HasValue: true, Value: string first })
                    {
                        expression += " " + first;
                    }

                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.Revalidation, location, revalidationScope.Name, expression, CacheRules.Directive(revalidationScope.Kind)));
                }

                break;
            case "CacheLife" or "CacheTag" when onCache:
                if (ContextOf(context.Operation, s) is null && !IsHelperOfCachedClass(context.ContainingSymbol, s))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.OutsideScope, location, method.Name, MemberName(context.ContainingSymbol)));
                }

                if (method.Name == "CacheLife" && method.Parameters.Length == 1 && method.Parameters[0].Type.SpecialType == SpecialType.System_String
                    && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string profile }
                    && Array.IndexOf(BuiltInProfiles, profile) < 0 && !facts.Value.Profiles.Contains(profile))
                {
                    var suggestion = KindRules.NearMiss(profile, BuiltInProfiles.Concat(facts.Value.Profiles));
                    var hint = profile.Trim() != profile && Array.IndexOf(BuiltInProfiles, profile.Trim()) >= 0
                        ? $" Did you mean \"{profile.Trim()}\" without the spaces?"
                        : suggestion is null ? "" : $" Did you mean \"{suggestion}\"?";
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnknownProfile, invocation.Arguments[0].Syntax.GetLocation(), profile, hint));
                }

                break;
        }
    }

    private static void AnalyzeMemberReference(OperationAnalysisContext context, StrataSymbols s)
    {
        var reference = (IMemberReferenceOperation)context.Operation;
        if (s.SupplyParameterFromQuery is not null && reference.Member is IPropertySymbol property
            && property.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, s.SupplyParameterFromQuery)))
        {
            ReportRequestData(context, $"[SupplyParameterFromQuery] {property.Name}", s);
            return;
        }

        if (IsHttpMember(reference.Member, reference.Instance, s, out var api) && !IsReported(reference.Instance, s))
        {
            ReportRequestData(context, api, s);
        }
    }

    /// <summary>The seed's nesting rules, where the call of a [UseCache] method from a cached function is visible: private only inside private, and no remote inside private.</summary>
    private static void ReportNesting(OperationAnalysisContext context, CachedMethod callee, StrataSymbols s)
    {
        if (ContextOf(context.Operation, s) is not { } scope)
        {
            return;
        }

        var calleeName = callee.Method.ToDisplayString(CacheRules.NameFormat);
        var location = context.Operation.Syntax.GetLocation();
        if (callee.Kind == CacheRules.PrivateKind && scope.Kind != CacheRules.PrivateKind)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.PrivateInsidePublic, location, scope.Name, calleeName, CacheRules.Directive(scope.Kind)));
        }
        else if (callee.Kind == CacheRules.RemoteKind && scope.Kind == CacheRules.PrivateKind)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.RemoteInsidePrivate, location, scope.Name, calleeName));
        }
    }

    private static void ReportRequestData(OperationAnalysisContext context, string api, StrataSymbols s)
    {
        if (ContextOf(context.Operation, s) is { } scope && scope.Kind != CacheRules.PrivateKind)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.RequestData, context.Operation.Syntax.GetLocation(), scope.Name, api, CacheRules.Directive(scope.Kind), RequestDataAdvice(api)));
        }
    }

    /// <summary>Whether the member belongs to HttpContext or IHttpContextAccessor (a direct read of the request).</summary>
    private static bool IsHttpMember(ISymbol member, IOperation? instance, StrataSymbols s, out string api)
    {
        api = "";
        if (member.IsStatic)
        {
            return false;
        }

        var owner = instance?.Type ?? member.ContainingType;
        if (owner is null)
        {
            return false;
        }

        if (s.HttpContextAccessor is not null && StrataSymbols.InheritsOrImplements(owner, s.HttpContextAccessor))
        {
            api = "IHttpContextAccessor." + member.Name;
            return true;
        }

        if (s.HttpContext is not null && StrataSymbols.InheritsOrImplements(owner, s.HttpContext))
        {
            api = "HttpContext." + member.Name;
            return true;
        }

        return false;
    }

    /// <summary>Whether the receiver is itself a reported read (so that <c>accessor.HttpContext.Request</c> is reported once).</summary>
    private static bool IsReported(IOperation? instance, StrataSymbols s)
    {
        while (instance is IConversionOperation conversion)
        {
            instance = conversion.Operand;
        }

        return instance switch
        {
            IMemberReferenceOperation reference => IsHttpMember(reference.Member, reference.Instance, s, out _),
            IInvocationOperation invocation => IsHttpMember(invocation.TargetMethod, invocation.Instance, s, out _),
            _ => false,
        };
    }

    private readonly struct Scope
    {
        public Scope(string name, string kind)
        {
            Name = name;
            Kind = kind;
        }

        public string Name { get; }

        public string Kind { get; }
    }

    /// <summary>The cached function the operation runs in, as far as analysis can see; null outside any.</summary>
    private static Scope? ContextOf(IOperation operation, StrataSymbols s)
    {
        for (var o = operation.Parent; o is not null; o = o.Parent)
        {
            if (o is IAnonymousFunctionOperation lambda && CacheRules.FunctionKind(lambda, s) is { } kind)
            {
                return new Scope("Cache.Function lambda", kind);
            }
        }

        var member = operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart);
        while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            member = member.ContainingSymbol;
        }

        if (member is IMethodSymbol method && CacheRules.For(method, s) is { } cached && !s.IsComponent(method.ContainingType))
        {
            return new Scope(method.ToDisplayString(CacheRules.NameFormat), cached.Kind);
        }

        var type = member as INamedTypeSymbol ?? member?.ContainingType;
        if (type is not null && s.IsComponent(type) && s.UseCacheOf(type) is { } component)
        {
            return new Scope(type.ToDisplayString(CacheRules.NameFormat), CacheRules.KindOf(component) ?? CacheRules.DefaultKind);
        }

        return null;
    }

    /// <summary>A non-public helper of a class with [UseCache] members: presumably called from its cached methods.</summary>
    private static bool IsHelperOfCachedClass(ISymbol containing, StrataSymbols s)
    {
        var member = containing;
        while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            member = member.ContainingSymbol;
        }

        return member.DeclaredAccessibility != Accessibility.Public
            && member.ContainingType is { } type
            && (s.UseCacheOf(type) is not null || CacheRules.MethodsOf(type, s).Any());
    }

    private static string MemberName(ISymbol symbol)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            symbol = symbol.ContainingSymbol;
        }

        return symbol.ToDisplayString(CacheRules.NameFormat);
    }
}
