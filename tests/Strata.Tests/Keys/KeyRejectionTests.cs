using Strata.Tests.Support;

namespace Strata.Tests.Keys
{
    public sealed class KeyRejectionTests
    {
        public sealed record Owner(string Name, SessionService Session);

        public sealed record Filter(string Category, Owner Owner);

        public sealed class SessionService
        {
            private readonly string _secret = "s";

            public string Describe() => _secret;
        }

        public sealed class Node
        {
            public string Name { get; set; } = "";

            public Node? Next { get; set; }
        }

        public sealed class DisposableThing : IDisposable
        {
            public int Value { get; set; }

            public void Dispose()
            {
            }
        }

        [Fact]
        public void AServiceDeepInsideAnArgument_IsRejected_WithItsPathAndType()
        {
            using var t = new TestRuntime();
            var function = CacheFunction.Create("tests.reject.path", "default", "Search", "filter");

            var error = Assert.Throws<CacheKeyException>(() => Support.Keys.Of(t.Runtime, function, new Filter("shoes", new Owner("ann", new SessionService()))));

            Assert.Equal("filter", error.ParamName);
            Assert.Equal("filter.Owner.Session", error.Path);
            Assert.Equal(typeof(SessionService), error.OffendingType);
            Assert.Contains("Argument 'filter' cannot be part of a cache key: 'filter.Owner.Session' is of type Strata.Tests.Keys.KeyRejectionTests+SessionService", error.Message, StringComparison.Ordinal);
            Assert.Contains("non-public state ('_secret')", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void AStream_IsRejected_WithAdvice()
        {
            using var t = new TestRuntime();
            var function = CacheFunction.Create("tests.reject.stream", "default", "Upload", "body");

            var error = Assert.Throws<CacheKeyException>(() => Support.Keys.Of(t.Runtime, function, new MemoryStream()));

            Assert.Equal("body", error.Path);
            Assert.Contains("is a stream", error.Message, StringComparison.Ordinal);
            Assert.Contains("byte[]", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void AnHttpContext_IsRejected_AsRequestState()
        {
            using var t = new TestRuntime();
            var function = CacheFunction.Create("tests.reject.httpcontext", "default", "Page", "context");

            var error = Assert.Throws<CacheKeyException>(() => Support.Keys.Of(t.Runtime, function, new Microsoft.AspNetCore.Http.FakeHttpContext()));

            Assert.Contains("is request state", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ACycle_IsRejected_WithThePathWhereItCloses()
        {
            using var t = new TestRuntime();
            var function = CacheFunction.Create("tests.reject.cycle", "default", "Walk", "node");
            var a = new Node { Name = "a" };
            a.Next = new Node { Name = "b", Next = a };

            var error = Assert.Throws<CacheKeyException>(() => Support.Keys.Of(t.Runtime, function, a));

            Assert.Equal("node.Next.Next", error.Path);
            Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ALazySequence_IsRejected_WithAdviceToMaterializeIt()
        {
            using var t = new TestRuntime();
            var function = CacheFunction.Create("tests.reject.lazy", "default", "Sum", "numbers");

            var error = Assert.Throws<CacheKeyException>(() => Support.Keys.Of(t.Runtime, function, Enumerable.Range(0, 3).Where(i => i > 0)));

            Assert.Contains("ToArray()", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ADisposableObject_IsRejected_AsAService()
        {
            using var t = new TestRuntime();
            var function = CacheFunction.Create("tests.reject.disposable", "default", "Use", "thing");

            var error = Assert.Throws<CacheKeyException>(() => Support.Keys.Of(t.Runtime, function, new DisposableThing()));

            Assert.Contains("disposable", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void AnElementOfACollection_IsNamedByItsIndex()
        {
            using var t = new TestRuntime();
            var function = CacheFunction.Create("tests.reject.index", "default", "Many", "items");

            var error = Assert.Throws<CacheKeyException>(() => Support.Keys.Of(t.Runtime, function, [new object[] { 1, new MemoryStream() }]));

            Assert.Equal("items[1]", error.Path);
        }
    }
}

namespace Microsoft.AspNetCore.Http
{
    // Stands in for ASP.NET Core's HttpContext: the engine recognizes request state by type name, without depending on ASP.NET.
    public abstract class HttpContext
    {
        public string? TraceIdentifier { get; set; }
    }

    public sealed class FakeHttpContext : HttpContext;
}
