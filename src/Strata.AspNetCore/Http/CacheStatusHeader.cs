namespace Strata.AspNetCore.Http;

/// <summary>
/// <c>x-strata-cache</c>, the verdict a page response carries about its parts (Next.js's <c>x-nextjs-cache</c>), in every
/// environment: <c>DYNAMIC</c> when the response depends on the request (it read request data, used a private cache,
/// answers a form post or a server function, or draft mode is on) or nothing on it came from a cache; otherwise
/// <c>STALE</c> when a part was served stale, <c>MISS</c> when a part was rendered for this request (or was still rendering
/// when the response started), and <c>HIT</c> when every part was a fresh hit. A static shell answers <c>HIT</c>, or
/// <c>STALE</c> while it is regenerated. Server function calls answered with data and endpoints other than pages carry none.
/// </summary>
internal static class CacheStatusHeader
{
    public const string Name = "x-strata-cache";

    public const string Hit = "HIT";

    public const string Miss = "MISS";

    public const string Stale = "STALE";

    public const string Dynamic = "DYNAMIC";

    /// <summary>The verdict of a page response as it starts.</summary>
    public static string Of(StrataWebRequest web) =>
        web.DependsOnRequestBecause() is not null ? Dynamic
        : web.Request.Outcome == CacheReadOutcome.Stale ? Stale
        : web.Request.Outcome == CacheReadOutcome.Miss || web.IsFilling ? Miss
        : web.Request.Outcome == CacheReadOutcome.Hit ? Hit
        : Dynamic;
}
