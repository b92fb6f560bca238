using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Strata.Generators.Tests.Support;

namespace Strata.Generators.Tests.Generator;

/// <summary>
/// [UseServer] interfaces: the generator writes the proxy where the interface is compiled (the .Client project) and the
/// server functions where a class implements it (the server), under the same ids, and nothing for an interface that
/// breaks a rule.
/// </summary>
public sealed class ProxyGeneratorTests
{
    /// <summary>Strata.Client's proxy registry as the generator finds it (matched by metadata name).</summary>
    private const string ClientStandIn = """
        namespace Strata.Client
        {
            public static class ServerProxies
            {
                public static void Register(System.Type contract, System.Func<System.IServiceProvider, object> create) { }
                public static System.Threading.Tasks.Task<T> CallAsync<T>(string id, object?[] arguments, System.Threading.CancellationToken cancellationToken) => throw null!;
            }
        }
        """;

    private const string Contract = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Strata;
        namespace Shop
        {
            public sealed record User(string Name, int Age);

            [UseServer]
            public interface IUsers
            {
                Task<IReadOnlyList<User>> FetchUsers();
                Task Rename(int id, string? name, CancellationToken cancellationToken);
                ValueTask<User?> Find(int @class);
                ValueTask Touch();
            }
        }
        """;

    [Fact]
    public void Proxy_IsWrittenWhereTheInterfaceIsCompiled_ImplementsEveryMethod_AndCompiles()
    {
        var (output, text) = Run(Client());

        Assert.Contains("global::Strata.Client.ServerProxies.Register(typeof(global::Shop.IUsers), static _ => new __StrataProxy_Shop_IUsers());", text, StringComparison.Ordinal);
        Assert.Matches(@"CallAsync<global::System.Collections.Generic.IReadOnlyList<global::Shop.User>>\(""[0-9a-f]{40}"", new object\?\[\] {  }, default\)", text);
        Assert.Matches(@"CallAsync<object\?>\(""[0-9a-f]{40}"", new object\?\[\] { id, name }, cancellationToken\)", text);
        Assert.Matches(@"new global::System.Threading.Tasks.ValueTask<global::Shop.User\?>\(global::Strata.Client.ServerProxies.CallAsync<global::Shop.User\?>\(""[0-9a-f]{40}"", new object\?\[\] { @class }, default\)\)", text);
        Assert.Equal(4, Ids(text).Distinct().Count());
        Assert.Empty(Compile.Problems(output));
    }

    [Fact]
    public void ServerRegistration_OfTheImplementingClass_UsesTheProxysIds_AndResolvesTheInterface()
    {
        var client = Client();
        var (clientOutput, proxy) = Run(client);
        using var image = new MemoryStream();
        Assert.True(clientOutput.Emit(image).Success);
        var server = CSharpCompilation.Create(
            "Shop.Server",
            [CSharpSyntaxTree.ParseText("""
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;
                using Shop;
                public sealed class Users : IUsers
                {
                    public Task<IReadOnlyList<User>> FetchUsers() => Task.FromResult<IReadOnlyList<User>>([]);
                    public Task Rename(int id, string? name, CancellationToken cancellationToken) => Task.CompletedTask;
                    public ValueTask<User?> Find(int @class) => default;
                    ValueTask IUsers.Touch() => default;
                }
                """, Compile.Parse)],
            [.. References.All, MetadataReference.CreateFromImage(image.ToArray())],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var (serverOutput, registrations) = Run(server);

        Assert.Equal(Ids(proxy).Order(), Ids(registrations).Order());
        Assert.Contains("global::Strata.Generated.ServerFunctions.Resolve<global::Shop.IUsers>(__services).Rename(__a0, __a1, __cancellationToken)", registrations, StringComparison.Ordinal);
        Assert.Contains("typeof(global::Users), \"Shop.IUsers.Touch\"", registrations, StringComparison.Ordinal); // the explicit implementation, for its attributes
        Assert.Contains("Contract = typeof(global::Shop.IUsers)", registrations, StringComparison.Ordinal);
        Assert.DoesNotContain("__StrataProxy", registrations, StringComparison.Ordinal); // the interface is compiled elsewhere: no proxy here
        Assert.Empty(Compile.Problems(serverOutput));
    }

    [Fact]
    public void Ids_ChangeWithTheSignature_AndStayWithTheSameSignature()
    {
        var (_, first) = Run(Client());
        var (_, again) = Run(Client());
        var (_, changed) = Run(Client(Contract.Replace("Find(int @class)", "Find(long @class)", StringComparison.Ordinal)));

        Assert.Equal(Ids(first), Ids(again));
        Assert.Equal(3, Ids(first).Intersect(Ids(changed)).Count());
    }

    [Fact]
    public void InterfaceThatBreaksARule_GetsNoProxy()
    {
        var (_, text) = Run(Client(Contract.Replace("ValueTask Touch();", "int Touch();", StringComparison.Ordinal)));

        Assert.DoesNotContain("__StrataProxy", text, StringComparison.Ordinal);
    }

    private static CSharpCompilation Client(string contract = Contract) =>
        CSharpCompilation.Create(
            "Shop.Client",
            [CSharpSyntaxTree.ParseText(ClientStandIn, Compile.Parse), CSharpSyntaxTree.ParseText(contract, Compile.Parse)],
            References.All.Where(r => !Path.GetFileName(r.Display ?? "").Equals("Strata.dll", StringComparison.Ordinal)), // the browser's code does not reference Strata
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static (Compilation Output, string Text) Run(CSharpCompilation compilation)
    {
        var driver = CSharpGeneratorDriver.Create([new UseServerProxyGenerator().AsSourceGenerator()], parseOptions: Compile.Parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (output, string.Join("\n", driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.SourceText.ToString())));
    }

    private static List<string> Ids(string text) => [.. Regex.Matches(text, "\"([0-9a-f]{40})\"").Select(m => m.Groups[1].Value)];
}
