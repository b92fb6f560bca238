using System.Diagnostics;

namespace Strata;

/// <summary>
/// The spans Strata publishes on the <c>Strata</c> <see cref="ActivitySource"/> (beside the <c>Strata</c> meter): a
/// <c>strata.cache.fill</c> span around every run of a cached function on a miss (the function's own spans nest in it), a
/// <c>strata.cache.refresh</c> span around every background refresh of a stale entry, and a <c>strata.cache.update_tags</c>
/// span around every tag invalidation (<c>RevalidateTag</c>, <c>UpdateTag</c>, <c>RevalidatePath</c>). Nothing is made when
/// no listener samples the source.
/// </summary>
internal static class StrataActivities
{
    public const string SourceName = "Strata";
    public const string Fill = "strata.cache.fill";
    public const string Refresh = "strata.cache.refresh";
    public const string UpdateTags = "strata.cache.update_tags";

    private static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>A run of <paramref name="function"/>: a fill on a miss, or a background refresh.</summary>
    public static Activity? StartRun(CacheFunction function, bool refresh)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(refresh ? Refresh : Fill, ActivityKind.Internal);
        activity?.SetTag("strata.cache.kind", function.Kind);
        activity?.SetTag("strata.cache.function", function.DisplayName);
        return activity;
    }

    /// <summary>An invalidation of <paramref name="tags"/>: expire now, or stale now and expire after <paramref name="durations"/>.</summary>
    public static Activity? StartUpdateTags(IReadOnlyList<string> tags, TagDurations? durations)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(UpdateTags, ActivityKind.Internal);
        activity?.SetTag("strata.cache.tags", tags.ToArray());
        if (durations?.Expire is { } expire)
        {
            activity?.SetTag("strata.cache.tags.expire", expire);
        }

        return activity;
    }

    /// <summary>Marks the span failed with the exception (OpenTelemetry's error status and exception event).</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddException(exception);
    }
}
