using Storefront;
using Storefront.Components;
using Storefront.Data;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents().AddInteractiveServerComponents(); // /interactive: a cached component on an interactive page
builder.Services.AddSingleton<Database>();
builder.Services.AddSingleton<Upstream>();
builder.Services.AddSingleton<ShopData>();
builder.Services.AddSingleton<CachedShop>();   // [UseCache] methods: AddStrata() swaps in the cached subclass
builder.Services.AddSingleton<Anchor>();

var strata = builder.Services.AddStrata().AddAspNetCore();
if (!string.IsNullOrEmpty(builder.Configuration["Strata:Redis:Configuration"]))
{
    strata.AddRedisCacheHandler("remote"); // [UseCache("remote")] on Redis when it is configured, in memory otherwise
}

var app = builder.Build();
app.Services.GetRequiredService<Database>().EnsureCreated();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseVisitor();
app.UseStrata();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapStorefrontApi();

app.Run();

/// <summary>The sample's entry point (also used by the tests' WebApplicationFactory).</summary>
public partial class Program;
