using Strata.Generators.CodeFixes;
using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.UseCacheDeclarationAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>The plain fixes: make the method virtual, unseal the class, use the known kind.</summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task NotVirtual_FixAddsVirtual() => V.CodeFix<UseCacheCodeFixProvider>(
        """
        public class Catalog
        {
            [UseCache]
            public async Task<int> {|STRATA002:Get|}(string id) { await Task.Yield(); return 1; }
        }
        """,
        """
        public class Catalog
        {
            [UseCache]
            public virtual async Task<int> Get(string id) { await Task.Yield(); return 1; }
        }
        """);

    [Fact]
    public Task SealedClass_FixRemovesSealed() => V.CodeFix<UseCacheCodeFixProvider>(
        """
        public sealed class {|STRATA004:Catalog|}
        {
            [UseCache]
            public virtual Task<int> {|CS0549:Get|}(string id) => Task.FromResult(1);
        }
        """,
        """
        public class Catalog
        {
            [UseCache]
            public virtual Task<int> Get(string id) => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task KindTypo_FixUsesSuggestedKind() => V.CodeFix<UseCacheCodeFixProvider>(
        """
        public class Catalog
        {
            [UseCache({|STRATA012:"privte"|})]
            public virtual Task<int> Get(string id) => Task.FromResult(1);
        }
        """,
        """
        public class Catalog
        {
            [UseCache("private")]
            public virtual Task<int> Get(string id) => Task.FromResult(1);
        }
        """);
}
