using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Strata.Generators.CodeFixes;

/// <summary>
/// The plain fixes of Strata's diagnostics: make a [UseCache] method virtual (STRATA002), unseal its class (STRATA004),
/// and replace a mistyped cache kind by the known one it is close to (STRATA012).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseCacheCodeFixProvider)), Shared]
public sealed class UseCacheCodeFixProvider : CodeFixProvider
{
    private const string NotVirtual = "STRATA002";
    private const string SealedClass = "STRATA004";
    private const string KindTypo = "STRATA012";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NotVirtual, SealedClass, KindTypo);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            switch (diagnostic.Id)
            {
                case NotVirtual when node.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method:
                    context.RegisterCodeFix(
                        CodeAction.Create("Make the method virtual", ct => Replace(context.Document, root, method, MakeVirtual(method)), NotVirtual),
                        diagnostic);
                    break;
                case SealedClass when node.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type:
                    context.RegisterCodeFix(
                        CodeAction.Create("Remove 'sealed'", ct => Replace(context.Document, root, type, RemoveModifier(type, SyntaxKind.SealedKeyword)), SealedClass),
                        diagnostic);
                    break;
                case KindTypo when diagnostic.Properties.TryGetValue("Suggestion", out var suggestion) && suggestion is not null
                                   && node.DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>().FirstOrDefault() is { } literal:
                    var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion)).WithTriviaFrom(literal);
                    context.RegisterCodeFix(
                        CodeAction.Create($"Use \"{suggestion}\"", ct => Replace(context.Document, root, literal, replacement), KindTypo),
                        diagnostic);
                    break;
            }
        }
    }

    private static Task<Document> Replace(Document document, SyntaxNode root, SyntaxNode oldNode, SyntaxNode newNode) =>
        Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(oldNode, newNode)));

    private static MethodDeclarationSyntax MakeVirtual(MethodDeclarationSyntax method)
    {
        if (method.Modifiers.Any(SyntaxKind.SealedKeyword))
        {
            return (MethodDeclarationSyntax)RemoveModifier(method, SyntaxKind.SealedKeyword);
        }

        if (method.Modifiers.Any(SyntaxKind.VirtualKeyword) || method.Modifiers.Any(SyntaxKind.OverrideKeyword))
        {
            return method;
        }

        var modifiers = method.Modifiers;
        var virtualKeyword = SyntaxFactory.Token(SyntaxKind.VirtualKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        var after = modifiers.LastOrDefault(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.InternalKeyword));
        if (after == default)
        {
            // No accessibility modifier: 'virtual' goes first and takes over the leading trivia (indentation, comments).
            if (modifiers.Count == 0)
            {
                return method.WithReturnType(method.ReturnType.WithoutLeadingTrivia())
                    .WithModifiers(SyntaxFactory.TokenList(virtualKeyword.WithLeadingTrivia(method.ReturnType.GetLeadingTrivia())));
            }

            var first = modifiers[0];
            return method.WithModifiers(modifiers.Replace(first, first.WithoutTrivia().WithTrailingTrivia(first.TrailingTrivia))
                .Insert(0, virtualKeyword.WithLeadingTrivia(first.LeadingTrivia)));
        }

        return method.WithModifiers(modifiers.Insert(modifiers.IndexOf(after) + 1, virtualKeyword));
    }

    private static SyntaxNode RemoveModifier(MemberDeclarationSyntax member, SyntaxKind kind)
    {
        var modifiers = member.Modifiers;
        var index = modifiers.IndexOf(kind);
        if (index < 0)
        {
            return member;
        }

        var removed = modifiers[index];
        var rest = modifiers.RemoveAt(index);
        if (index == 0)
        {
            // Keep the indentation and comments that stood before the removed keyword.
            if (rest.Count > 0)
            {
                rest = rest.Replace(rest[0], rest[0].WithLeadingTrivia(removed.LeadingTrivia));
                return member.WithModifiers(rest);
            }

            return member.WithModifiers(rest).WithLeadingTrivia(removed.LeadingTrivia);
        }

        return member.WithModifiers(rest);
    }
}
