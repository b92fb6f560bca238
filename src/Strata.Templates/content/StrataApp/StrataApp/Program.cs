using StrataApp.Components;
using StrataApp.Services;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents()
    .AddInteractiveWebAssemblyComponents();    // [UseClient] components (StrataApp.Client)

builder.Services.AddSingleton<Forecasts>();     // [UseCache("remote")] methods: AddStrata() registers the cached subclass
builder.Services.AddScoped<GreetingActions>();  // [UseServer] class: resolved per call in the request's scope

// Strata: [UseCache] pages, components and services. "remote" stays in memory until Redis is configured
// (Strata:Redis:Configuration in appsettings.json or the environment, e.g. Strata__Redis__Configuration=localhost:6379).
var strata = builder.Services.AddStrata().AddAspNetCore();
if (!string.IsNullOrEmpty(builder.Configuration["Strata:Redis:Configuration"]))
{
    strata.AddRedisCacheHandler("remote");
}

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseHttpsRedirection();

app.UseStrata();        // after UseRouting() if you add it, before MapRazorComponents
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .AddInteractiveWebAssemblyRenderMode();

app.Run();
