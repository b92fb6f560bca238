using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Generators.Tests.Samples;

namespace Strata.Generators.Tests.Components;

/// <summary>A real .razor component (ProductCard.razor) that @injects Catalog reaches the cached subclass.</summary>
public sealed class RazorComponentTests
{
    [Fact]
    public async Task ComponentInjectingTheService_RenderedTwice_ReachesUpstreamOnce()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<AppDb>();
        services.AddScoped<Catalog>();
        services.AddStrata();
        await using var provider = services.BuildServiceProvider();
        using var use = provider.GetRequiredService<CacheRuntime>().Use();

        var first = await Render(provider, "p-7");
        var second = await Render(provider, "p-7");

        Assert.Equal(1, provider.GetRequiredService<AppDb>().Queries);
        Assert.Contains("Product p-7 v1", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
    }

    /// <summary>Renders the component as one request would: a new scope and a new renderer.</summary>
    private static async Task<string> Render(ServiceProvider provider, string id)
    {
        await using var scope = provider.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<ProductCard>(ParameterView.FromDictionary(new Dictionary<string, object?> { ["Id"] = id }));
            return output.ToHtmlString();
        });
    }
}
