using Strata.Generators.Tests.Support;
using V = Strata.Generators.Tests.Support.Verify<Strata.Generators.UseServerAnalyzer>;

namespace Strata.Generators.Tests.Analyzers;

/// <summary>STRATA040-043: the declaration of server functions ([UseServer]). One positive and one negative case each.</summary>
public sealed class UseServerAnalyzerTests
{
    private const string Types = "public sealed record User(string Name, int Age, string[] Tags); public class Db { }\n";

    [Fact]
    public Task PublicAsyncFunctionsOfPlainData_NoDiagnostic() => V.Analyzer(Types + """
        [UseServer]
        public static class Users
        {
            public static Task<User> Create(string name, int age, User? referrer, CancellationToken ct) => Task.FromResult(new User(name, age, []));
            public static Task Update(int id, FormData form) => Task.CompletedTask;
            public static ValueTask<List<User>> List(Dictionary<string, int> filter, Guid tenant, DateOnly day) => new(new List<User>());
            private static int Helper() => 1;
        }

        public class Admin(Db db)
        {
            [UseServer] public async Task<int> Count() { await Task.Yield(); return db.GetHashCode(); }
            public int NotAServerFunction() => 1;
        }
        """);

    [Fact]
    public Task NotAsync_STRATA040() => V.Analyzer(Types + """
        public static class Users
        {
            [UseServer] public static User {|STRATA040:Create|}(string name) => new(name, 1, []);
        }

        [UseServer]
        public static class Reports
        {
            public static int {|STRATA040:Count|}() => 1;
            public static Task<int> Total() => Task.FromResult(1);
        }
        """);

    [Fact]
    public Task NotPublic_STRATA041() => V.Analyzer(Types + """
        public static class Users
        {
            [UseServer] internal static Task {|STRATA041:Create|}(string name) => Task.CompletedTask;

            private static class Hidden
            {
                [UseServer] public static Task {|STRATA041:Delete|}(int id) => Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task ParameterOrResultThatCannotCrossTheWire_STRATA042() => V.Analyzer(Types + """
        public static class Users
        {
            [UseServer] public static Task Run(Func<int> {|STRATA042:callback|}) => Task.CompletedTask;
            [UseServer] public static Task Any(object {|STRATA042:value|}) => Task.CompletedTask;
            [UseServer] public static Task Upload(System.IO.Stream {|STRATA042:file|}) => Task.CompletedTask;
            [UseServer] public static Task Who(System.Security.Claims.ClaimsPrincipal {|STRATA042:user|}) => Task.CompletedTask;
            [UseServer] public static Task Ref(ref int {|STRATA042:count|}) => Task.CompletedTask;
            [UseServer] public static Task<{|STRATA042:Func<int>|}> Make() => Task.FromResult<Func<int>>(() => 1);
        }
        """);

    [Fact]
    public Task ClassThatCannotBeResolved_STRATA043() => V.Analyzer(Types + """
        public abstract class Base
        {
            [UseServer] public Task {|STRATA043:Save|}(int id) => Task.CompletedTask;
        }

        public struct Point
        {
            [UseServer] public Task {|STRATA043:Move|}(int x) => Task.CompletedTask;
        }

        public class Generic<T>
        {
            [UseServer] public static Task {|STRATA043:Make|}(int x) => Task.CompletedTask;
        }

        public class Widget : Microsoft.AspNetCore.Components.ComponentBase
        {
            [UseServer] public Task {|STRATA043:Save|}(int id) => Task.CompletedTask;
            [UseServer] public static Task Publish(int id) => Task.CompletedTask;
        }
        """);
}
