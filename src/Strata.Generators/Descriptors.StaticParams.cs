using Microsoft.CodeAnalysis;

namespace Strata.Generators;

/// <summary>STRATA075-079: the shape of <c>[StaticParams]</c> methods (<see cref="StaticParamsAnalyzer"/>).</summary>
internal static partial class Descriptors
{
    public static readonly DiagnosticDescriptor StaticParamsNotStatic = Error(
        "STRATA075",
        "A [StaticParams] method must be static",
        "[StaticParams] method '{0}' {1}. It is called once after start-up, before any instance of the page exists: make it a static, non-generic method whose parameters are services or a CancellationToken, passed by value.");

    public static readonly DiagnosticDescriptor StaticParamsReturnType = Error(
        "STRATA076",
        "A [StaticParams] method must return a sequence of values",
        "[StaticParams] method '{0}' returns {1}. Return IEnumerable<T>, IAsyncEnumerable<T>, or a Task or ValueTask of an IEnumerable<T> (an array or a list), T being the value of the route's only parameter (int, string...) or an object whose properties name the route's parameters (Next.js: generateStaticParams returns an array of objects).");

    public static readonly DiagnosticDescriptor StaticParamsNotOnPage = Error(
        "STRATA077",
        "A [StaticParams] method must be on a page whose route has parameters",
        "[StaticParams] method '{0}' is on {1}, which {2}. Its values are the route parameters of the page it is declared on (Next.js: generateStaticParams is exported by the page of a dynamic segment): move it to the Razor component with the @page route that has the parameters, e.g. @page \"/posts/{{id:int}}\".");

    public static readonly DiagnosticDescriptor StaticParamsShape = Error(
        "STRATA078",
        "[StaticParams] values do not fit the page's route",
        "[StaticParams] method '{0}' lists {1}, {2}");

    public static readonly DiagnosticDescriptor StaticParamsTwice = Error(
        "STRATA079",
        "A page has one [StaticParams] method",
        "'{0}' is one of {1} [StaticParams] methods of {2}. A page lists its values in one method (Next.js: one generateStaticParams per page): merge them.");
}
