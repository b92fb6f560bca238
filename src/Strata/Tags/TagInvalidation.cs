namespace Strata;

/// <summary>
/// A tag change this runtime made, kept for dashboards (<see cref="CacheRuntime.RecentInvalidations"/>): which tags, when,
/// by which function, how (expired now, or stale while revalidated), and where it was called.
/// </summary>
public sealed class TagInvalidation
{
    internal TagInvalidation(IReadOnlyList<string> tags, DateTimeOffset at, string source, bool expired, CacheRequest? request)
    {
        Tags = tags;
        At = at;
        Source = source;
        Expired = expired;
        Route = request?.Route;
        Phase = request?.Phase;
    }

    /// <summary>The tags (implicit path tags for <c>RevalidatePath</c>, e.g. <c>_N_T_/product/1</c>).</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>When it was made.</summary>
    public DateTimeOffset At { get; }

    /// <summary>The function that made it: <c>UpdateTag</c>, <c>RevalidateTag</c> (with its profile when it had one) or <c>RevalidatePath</c>.</summary>
    public string Source { get; }

    /// <summary>Whether entries with the tags expired now; otherwise they became stale (<c>RevalidateTag</c> with a profile).</summary>
    public bool Expired { get; }

    /// <summary>The route of the request it was made in, or <see langword="null"/> outside requests (a background job).</summary>
    public string? Route { get; }

    /// <summary>The phase of that request: <see cref="CacheRequestPhase.Action"/> for a server action (a form post or a server function), <see cref="CacheRequestPhase.Handler"/> for an endpoint; <see langword="null"/> outside requests.</summary>
    public CacheRequestPhase? Phase { get; }
}
