using Strata.AspNetCore.Tests.TestApp;

var builder = WebApplication.CreateBuilder(args);
var interactive = builder.Configuration.GetValue<bool>("Test:Interactive"); // the render modes, for ClientComponentCachingTests only
var components = builder.Services.AddRazorComponents();
if (interactive)
{
    components.AddInteractiveWebAssemblyComponents().AddInteractiveServerComponents();
}

builder.Services.AddSingleton<Catalog>(); // [UseCache] methods: AddStrata() swaps in the cached subclass
builder.Services.AddStrata().AddAspNetCore();
builder.Services.AddSingleton<Probe>();
builder.Services.AddSingleton<ProductStore>();
builder.Services.AddSingleton<Ledger>();
builder.Services.AddScoped<Accounts>();
builder.Services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
builder.Services.AddAuthorization();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization(); // after UseAuthentication: the dashboard's policy sees the user
app.UseStrata();
app.UseAntiforgery();
var razor = app.MapRazorComponents<App>();
if (interactive)
{
    razor.AddInteractiveWebAssemblyRenderMode().AddInteractiveServerRenderMode();
}

TestEndpoints.Map(app);
app.MapStrataDashboard("/_strata").RequireAuthorization(policy => policy.RequireRole("admin"));
app.Run();

/// <summary>The test app's entry point (for WebApplicationFactory).</summary>
public partial class Program;
