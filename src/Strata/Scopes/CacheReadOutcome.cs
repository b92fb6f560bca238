namespace Strata;

/// <summary>How a read of a cached function was answered (what <c>x-strata-cache</c> and the development overlay show).</summary>
public enum CacheReadOutcome
{
    /// <summary>A fresh entry was served (or a call already made in the same request returned its result).</summary>
    Hit,

    /// <summary>The function ran for this read (no entry, an expired or discarded one, or a private cache), or the read waited for a run another caller started.</summary>
    Miss,

    /// <summary>A stale entry was served while a background refresh runs, or fail-safe served an expired value because the function failed.</summary>
    Stale,
}
