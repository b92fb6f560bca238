namespace Strata.Client;

/// <summary>
/// The shape of a server function reference as the browser receives it (Strata.Client's ServerFunction types: an id and
/// protected captured values), recognised by namespace and name as they are.
/// </summary>
public sealed class ServerFunctionProbe
{
    public string Id { get; set; } = "";

    public string? Captured { get; set; }
}
