using System.Diagnostics.CodeAnalysis;

namespace Strata;

/// <summary>How the browser records a redirect in its history (Next.js's <c>RedirectType</c>).</summary>
public enum RedirectType
{
    /// <summary>A new history entry (the default in server functions).</summary>
    Push,

    /// <summary>Replaces the current history entry.</summary>
    Replace,
}

/// <summary>
/// Thrown by <see cref="Cache.Redirect"/> to end a server function with a redirect; the web layer turns it into a 303 for a
/// form post and a <c>Strata-Action-Redirect</c> header for a fetch call. Do not catch it.
/// </summary>
public sealed class RedirectException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="url">Where to go.</param>
    /// <param name="type">How the browser records it.</param>
    public RedirectException(string url, RedirectType type)
        : base($"Redirect to {url}. This exception ends a server function with a redirect; do not catch it.")
    {
        Url = url;
        Type = type;
    }

    /// <summary>Where to go.</summary>
    public string Url { get; }

    /// <summary>How the browser records it.</summary>
    public RedirectType Type { get; }
}

public static partial class Cache
{
    /// <summary>
    /// <c>redirect(url, type)</c>: ends the current server function; a form post answers with a 303 to
    /// <paramref name="url"/>, a fetch call with the <c>Strata-Action-Redirect</c> header. Revalidation done before the call
    /// is kept. Only local URLs (starting with one <c>/</c>) are accepted, so a server function cannot be turned into an open redirect.
    /// </summary>
    /// <param name="url">A local URL, e.g. <c>/users/42</c>.</param>
    /// <param name="type">How the browser records it; <see cref="RedirectType.Push"/> by default.</param>
    /// <exception cref="RedirectException">Always: it carries the redirect.</exception>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not a local URL.</exception>
    [DoesNotReturn]
    public static void Redirect(string url, RedirectType type = RedirectType.Push)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal) || url.StartsWith("/\\", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Redirect(\"{url}\"): only local URLs that start with a single '/' are allowed (e.g. \"/users/42\"), so that a server function cannot send visitors to another site.", nameof(url));
        }

        throw new RedirectException(url, type);
    }
}
