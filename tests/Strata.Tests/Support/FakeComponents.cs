namespace Microsoft.AspNetCore.Components
{
    // Stands in for Blazor's IComponent: the engine recognizes components by interface name, without depending on ASP.NET.
    public interface IComponent;
}
