using Microsoft.Extensions.Logging;

namespace Strata;

public sealed partial class CacheRuntime
{
    /// <summary>How many tag changes <see cref="RecentInvalidations"/> keeps.</summary>
    public const int MaxRecentInvalidations = 50;

    private readonly Queue<TagInvalidation> _recentInvalidations = new();

    /// <summary>
    /// <c>RevalidateTag(tag, profile)</c>: entries with the tag become stale now (the next read serves them once and
    /// refreshes them in the background) and expire after the profile's <c>expire</c>. Allowed in endpoints, server
    /// actions and background services; not while rendering or inside a cached function. In a server action the page is not
    /// rendered again: the response of a form post shows the page as it was rendered before the handler ran (no
    /// read-your-own-writes; use <see cref="UpdateTagAsync"/> for that). As in Next.js, reads later in the same request skip
    /// entries with the tag. A profile whose <c>expire</c> is 0 expires the tag now instead, like <see cref="UpdateTagAsync"/>.
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <param name="profile">A profile name (e.g. <c>"max"</c>).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when every handler has recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called while rendering or inside a cached function.</exception>
    /// <exception cref="ArgumentException">The profile is not configured.</exception>
    public Task RevalidateTagAsync(string tag, string profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        GuardRevalidation($"RevalidateTag {tag}");
        if (!_profiles.TryGetValue(profile, out var resolved))
        {
            throw new ArgumentException(ErrorMessages.InvalidRevalidateProfile(profile), nameof(profile));
        }

        return UpdateTagsCoreAsync([tag], new TagDurations(resolved.Expire), resolved.Expire == 0, $"RevalidateTag({profile})", cancellationToken);
    }

    /// <summary><c>RevalidateTag(tag, { expire })</c>: like the named-profile form, with explicit durations.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="profile">The profile; only <see cref="CacheLifeProfile.Expire"/> is used.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when every handler has recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called while rendering or inside a cached function.</exception>
    public Task RevalidateTagAsync(string tag, CacheLifeProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        GuardRevalidation($"RevalidateTag {tag}");
        var normalized = CacheLifeValidation.Normalize(profile, "");
        return UpdateTagsCoreAsync([tag], new TagDurations(normalized.Expire), normalized.Expire == 0, "RevalidateTag(profile)", cancellationToken);
    }

    /// <summary>
    /// <c>RevalidateTag(tag)</c> without a profile: deprecated in Next.js 16; logs a warning and expires the tag now,
    /// like <see cref="UpdateTagAsync"/> (but allowed outside server actions): in a server action, the page rendered
    /// afterwards sees the new data.
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when every handler has recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called while rendering or inside a cached function.</exception>
    public Task RevalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        GuardRevalidation($"RevalidateTag {tag}");
        LogRevalidateTagWithoutProfile(ErrorMessages.RevalidateTagWithoutProfile);
        return UpdateTagsCoreAsync([tag], null, immediate: true, "RevalidateTag", cancellationToken);
    }

    /// <summary>
    /// <c>UpdateTag(tag)</c>: entries with the tag expire now; the next read waits for a fresh value. Only in a server
    /// action, where the page rendered afterwards sees the new data (read-your-own-writes).
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when every handler has recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called outside a server action, or inside a cached function.</exception>
    public Task UpdateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        var ambient = AmbientContext.Current;
        if (ambient?.Scope is { } scope)
        {
            throw new InvalidOperationException(ErrorMessages.RevalidateInCache($"UpdateTag {tag}", ambient.Request?.Route, scope.Kind));
        }

        if (ambient?.Request is not { Phase: CacheRequestPhase.Action })
        {
            throw new InvalidOperationException(ErrorMessages.UpdateTagOutsideAction);
        }

        return UpdateTagsCoreAsync([tag], null, immediate: true, "UpdateTag", cancellationToken);
    }

    /// <summary>
    /// <c>RevalidatePath(path, type)</c>: expires now every entry read while rendering <paramref name="path"/> (its implicit
    /// tag). With <paramref name="type"/> <c>"page"</c> the path is a route template (<c>/product/{id}</c>) and every page of
    /// it is expired; with <c>"layout"</c> everything beneath the path is. Paths and templates are compared without regard
    /// to case or a trailing slash; templates are read by the <see cref="IRouteTemplateResolver"/> of the application's
    /// services when there is one (the web layer's leaves out constraints and warns about templates that match no route).
    /// </summary>
    /// <param name="path">A path (<c>/product/1</c>) or, with a type, a route template.</param>
    /// <param name="type"><c>"page"</c>, <c>"layout"</c> or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when every handler has recorded the change.</returns>
    /// <exception cref="InvalidOperationException">Called while rendering or inside a cached function.</exception>
    public Task RevalidatePathAsync(string path, string? type = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        GuardRevalidation($"RevalidatePath {path}");
        if (path.Length > StrataDefaults.MaxSoftTagLength)
        {
            LogPathTooLong(path.Length, StrataDefaults.MaxSoftTagLength);
            return Task.CompletedTask;
        }

        if (type is null && (path.Contains('{', StringComparison.Ordinal) || path.Contains('[', StringComparison.Ordinal)))
        {
            LogDynamicPathWithoutType(path);
        }

        if (!string.IsNullOrEmpty(type) && Services?.GetService(typeof(IRouteTemplateResolver)) is IRouteTemplateResolver resolver)
        {
            path = resolver.Resolve(path, type);
        }

        var tags = ImplicitTags.ForRevalidatePath(path, type);
        return UpdateTagsCoreAsync(tags, null, immediate: true, "RevalidatePath", cancellationToken);
    }

    /// <summary>
    /// <c>Refresh()</c>: the page is rendered again after the current server action, with fresh data from everything that
    /// is not cached; tagged caches are untouched.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside a server action.</exception>
    public void Refresh()
    {
        var ambient = AmbientContext.Current;
        if (ambient?.Scope is { } scope)
        {
            throw new InvalidOperationException(ErrorMessages.RevalidateInCache("Refresh", ambient.Request?.Route, scope.Kind));
        }

        if (ambient?.Request is not { Phase: CacheRequestPhase.Action } request)
        {
            throw new InvalidOperationException(ErrorMessages.RefreshOutsideAction);
        }

        request.PathWasRevalidated = true;
        if (request.Revalidated is { } revalidated)
        {
            request.Track(revalidated([]));
        }
    }

    private void GuardRevalidation(string expression)
    {
        var ambient = AmbientContext.Current;
        if (ambient?.Scope is { } scope)
        {
            throw new InvalidOperationException(ErrorMessages.RevalidateInCache(expression, ambient.Request?.Route, scope.Kind));
        }

        if (ambient?.Request is { Phase: CacheRequestPhase.Render } request)
        {
            throw new InvalidOperationException(ErrorMessages.RevalidateDuringRender(expression, request.Route));
        }
    }

    /// <summary>Records a tag change in the current request and broadcasts it to every handler.</summary>
    /// <param name="tags">The tags.</param>
    /// <param name="durations">The profile's durations (stale-while-revalidate), or <see langword="null"/> to expire now.</param>
    /// <param name="immediate">
    /// Whether the tags expire now (<c>UpdateTag</c>, <c>RevalidatePath</c>, <c>RevalidateTag</c> without a profile or with
    /// <c>expire</c> 0): then the page is rendered again after the action (Next.js's <c>pathWasRevalidated</c>). Otherwise
    /// (stale-while-revalidate) it is not, so a form post's response shows what was rendered before the handler ran.
    /// </param>
    /// <param name="source">The function called, for <see cref="RecentInvalidations"/>.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when every handler has recorded the change.</returns>
    private Task UpdateTagsCoreAsync(IReadOnlyList<string> tags, TagDurations? durations, bool immediate, string source, CancellationToken cancellationToken)
    {
        foreach (var tag in tags)
        {
            ArgumentException.ThrowIfNullOrEmpty(tag, nameof(tags));
        }

        var request = AmbientContext.Current?.Request;
        RecordInvalidation(new TagInvalidation(tags, TimeProvider.GetUtcNow(), source, immediate, request));
        if (request is not null)
        {
            request.RecordRevalidated(tags, _clock.StampMs); // later reads in this request skip entries with the tags (Next.js)
            request.PathWasRevalidated |= immediate;
        }

        if (DebugCache)
        {
            Debug(durations is null ? "EXPIRE TAGS" : "REVALIDATE TAGS", null, default, $"[{string.Join(",", tags)}] expire={durations?.Expire?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "now"}");
        }

        var task = UpdateAllHandlersAsync(tags, durations, cancellationToken);
        if (immediate && request?.Revalidated is { } revalidated)
        {
            task = ThenAsync(task, revalidated, tags);
        }

        request?.Track(task);
        return task;
    }

    /// <summary>The last <see cref="MaxRecentInvalidations"/> tag changes this runtime made, the latest first (for dashboards).</summary>
    public IReadOnlyList<TagInvalidation> RecentInvalidations
    {
        get
        {
            lock (_recentInvalidations)
            {
                return _recentInvalidations.Reverse().ToArray();
            }
        }
    }

    private void RecordInvalidation(TagInvalidation invalidation)
    {
        lock (_recentInvalidations)
        {
            if (_recentInvalidations.Count == MaxRecentInvalidations)
            {
                _recentInvalidations.Dequeue();
            }

            _recentInvalidations.Enqueue(invalidation);
        }
    }

    private static async Task ThenAsync(Task update, Func<IReadOnlyList<string>, Task> revalidated, IReadOnlyList<string> tags)
    {
        await update.ConfigureAwait(false);
        await revalidated(tags).ConfigureAwait(false);
    }

    private async Task UpdateAllHandlersAsync(IReadOnlyList<string> tags, TagDurations? durations, CancellationToken cancellationToken)
    {
        using var activity = StrataActivities.StartUpdateTags(tags, durations);
        List<Exception>? errors = null;
        foreach (var handler in _distinctHandlers)
        {
            try
            {
                await handler.UpdateTagsAsync(tags, durations, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (errors ??= []).Add(ex);
            }
        }

        if (errors is not null)
        {
            var failure = new AggregateException($"Updating the tags [{string.Join(", ", tags)}] failed in {errors.Count} cache handler(s).", errors);
            StrataActivities.Failed(activity, failure);
            throw failure;
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "{Message}")]
    private partial void LogRevalidateTagWithoutProfile(string message);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "A path of {Length} characters was passed to \"RevalidatePath\"; paths longer than {Max} characters are ignored.")]
    private partial void LogPathTooLong(int length, int max);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "A dynamic page path \"{Path}\" was passed to \"RevalidatePath\", but the \"type\" parameter is missing. This has no effect by default, see more info here https://nextjs.org/docs/app/api-reference/functions/revalidatePath")]
    private partial void LogDynamicPathWithoutType(string path);
}
