namespace Strata;

/// <summary>
/// A cache handler that applies every tag invalidation it learns, made on any instance, to the instance's in-memory
/// handlers' tag manifests (a tag backplane: Strata.Redis's handler is one). What is judged against those manifests without
/// asking the handler — the static shells of Strata.AspNetCore — may then trust them while the handler's tag state was
/// confirmed within <see cref="MaxTagStaleness"/>.
/// </summary>
public interface ITagBackplane
{
    /// <summary>Whether the invalidations this handler learns are applied to the instance's in-memory handlers (its backplane is on).</summary>
    bool IsTagBackplane { get; }

    /// <summary>
    /// When (Unix ms, the runtime's clock) this handler last confirmed that it knew every invalidation made anywhere up to
    /// then; <c>0</c> when it never did. Between confirmations, invalidations arrive by message.
    /// </summary>
    long TagsConfirmedAt { get; }

    /// <summary>
    /// How long after <see cref="TagsConfirmedAt"/> the in-memory tag state may still be trusted (a lost message or an outage
    /// is noticed within it); past it, what depends on other instances' invalidations must not be served from memory.
    /// </summary>
    TimeSpan MaxTagStaleness { get; }
}
