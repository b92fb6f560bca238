using Strata.Generators.Tests.Support;
using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.UseServerInterfaceAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>STRATA055-059: [UseServer] interfaces that client code imports through a generated proxy. One positive and one negative case each.</summary>
public sealed class UseServerInterfaceAnalyzerTests
{
    /// <summary>Strata.Client's proxy registry as the generator finds it (matched by metadata name), and some data.</summary>
    private const string Types = """
        namespace Strata.Client
        {
            public static class ServerProxies
            {
                public static void Register(System.Type contract, System.Func<System.IServiceProvider, object> create) { }
                public static System.Threading.Tasks.Task<T> CallAsync<T>(string id, object?[] arguments, System.Threading.CancellationToken cancellationToken) => throw null!;
            }
        }

        public sealed record User(string Name, int Age, string[] Tags);

        """;

    [Fact]
    public Task InterfaceOfAsyncMethodsOfPlainData_NoDiagnostic() => V.Analyzer(Types + """
        [UseServer]
        public interface IUsers
        {
            Task<IReadOnlyList<User>> FetchUsers();
            Task Rename(int id, string name, CancellationToken cancellationToken);
            ValueTask<User?> Find(Guid id);
            ValueTask Touch(DateOnly day, Dictionary<string, int> counts);
        }

        public interface INotAServerInterface
        {
            int Count();
        }
        """);

    [Fact]
    public Task NotAsync_STRATA055() => V.Analyzer(Types + """
        [UseServer]
        public interface IUsers
        {
            User {|STRATA055:Find|}(int id);
            void {|STRATA055:Delete|}(int id);
            Task<User> Load(int id);
        }
        """);

    [Fact]
    public Task Generic_STRATA056() => V.Analyzer(Types + """
        [UseServer]
        public interface IStore<T>
        {
            Task<int> Count();
        }

        [UseServer]
        public interface IUsers
        {
            Task<T> {|STRATA056:Get|}<T>(int id);
        }
        """.Replace("interface IStore<T>", "interface {|STRATA056:IStore|}<T>", StringComparison.Ordinal));

    [Fact]
    public Task RefOutOrParams_STRATA057() => V.Analyzer(Types + """
        [UseServer]
        public interface IUsers
        {
            Task Count(ref int {|STRATA057:count|});
            Task Tag(params string[] {|STRATA057:tags|});
            Task Rename(int id, string name);
        }
        """);

    [Fact]
    public Task ParameterOrResultThatCannotCross_STRATA058() => V.Analyzer(Types + """
        [UseServer]
        public interface IUsers
        {
            Task Run(Func<int> {|STRATA058:callback|});
            Task Upload(Stream {|STRATA058:file|});
            Task Any(object {|STRATA058:value|});
            Task<{|STRATA058:Stream|}> Download(int id);
            Task Save(User user, CancellationToken cancellationToken);
        }
        """);

    [Fact]
    public Task MemberTheProxyCannotImplement_STRATA059() => V.Analyzer(Types + """
        public interface IBase { Task Ping(); }

        [UseServer]
        public interface {|STRATA059:IUsers|} : IBase
        {
            int {|STRATA059:Count|} { get; }
            static Task {|STRATA059:Make|}() => Task.CompletedTask;
            Task {|STRATA059:Log|}() => Task.CompletedTask;
            Task Save(User user);
        }

        public interface IOther
        {
            [UseServer] Task {|STRATA059:Save|}(User user);
        }
        """);

    [Fact]
    public Task InterfaceInAProjectWithoutStrataClient_STRATA059() => V.Analyzer("""
        [UseServer]
        public interface {|STRATA059:IUsers|}
        {
            Task<int> Count();
        }
        """);
}
