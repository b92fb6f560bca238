using System.Collections.Concurrent;

namespace Strata.AspNetCore.Tests.TestApp;

/// <summary>Counts what test components do (constructed, initialized, rendered), per app instance; and lets a test hold a streaming page.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public TaskCompletionSource StreamGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Holds the streamed part of the static-shell page with a hole (<c>/holes</c>).</summary>
    public TaskCompletionSource HoleGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Next(string name) => _counts.AddOrUpdate(name, 1, static (_, n) => n + 1);

    public int Count(string name) => _counts.TryGetValue(name, out var n) ? n : 0;
}

/// <summary>A tiny product store for the form-post tests: names (read through caches) and stock (read live).</summary>
public sealed class ProductStore
{
    private readonly ConcurrentDictionary<int, string> _names = new() { [1] = "Kettle", [2] = "Toaster" };
    private readonly ConcurrentDictionary<int, string> _stock = new();

    public string Name(int id) => _names.TryGetValue(id, out var name) ? name : "?";

    public void Rename(int id, string name) => _names[id] = name;

    public string Stock(int id) => _stock.TryGetValue(id, out var stock) ? stock : "in stock";

    public void SetStock(int id, string stock) => _stock[id] = stock;
}
