using System.Collections.Concurrent;
using Strata;
using static Strata.Cache;

namespace Storefront.Data;

/// <summary>The shop's blog posts, in memory (the seed's <c>savePost</c> and <c>getPost</c>).</summary>
public sealed class PostStore
{
    /// <summary>The largest title a post may have.</summary>
    public const int MaxTitleLength = 100;

    private readonly ConcurrentDictionary<int, Post> _posts = new(Enumerable.Range(1, 3).ToDictionary(id => id, id => new Post(id, $"Post {id}", 1)));

    /// <summary>The post, or <see langword="null"/>.</summary>
    public Post? Get(int id) => _posts.GetValueOrDefault(id);

    /// <summary>Saves a new title: the post's next revision.</summary>
    public Post Save(int id, string title) => _posts.AddOrUpdate(id, _ => throw new KeyNotFoundException($"No post {id}."), (_, post) => post with { Title = title, Revision = post.Revision + 1 });
}

/// <summary>A post, cached and tagged <c>post-{id}</c> (what <see cref="PostActions.UpdatePost"/> updates).</summary>
public class PostDirectory(PostStore store)
{
    [UseCache]
    public virtual Task<Post?> Get(int id)
    {
        CacheTag($"post-{id}");
        return Task.FromResult(store.Get(id));
    }
}

/// <summary>The seed's inline <c>updatePost</c>: the post page binds the post id and passes it to the client <c>EditPost</c>.</summary>
[UseServer]
public sealed class PostActions(PostStore store)
{
    public async Task<Post> UpdatePost(int id, string title)
    {
        if (!Input.TryText(title, PostStore.MaxTitleLength, multiline: false, out var clean) || clean.Length == 0)
        {
            throw new ArgumentException($"A title is required: up to {PostStore.MaxTitleLength} characters.");
        }

        var post = store.Save(id, clean);
        await UpdateTag($"post-{id}"); // the page, rendered again, shows the saved title (the seed: revalidatePath)
        return post;
    }
}
