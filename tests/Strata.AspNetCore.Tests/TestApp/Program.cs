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
if (builder.Configuration.GetValue<bool>("Test:FallbackPolicy")) // every endpoint needs a signed-in user unless it allows anonymous ones (StaticShellMiddlewareTests)
{
    builder.Services.Configure<Microsoft.AspNetCore.Authorization.AuthorizationOptions>(o =>
        o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
}

var app = builder.Build();
if (app.Configuration.GetValue<bool>("Test:EarlyShells")) // app.UseStrataShells() before authentication (StaticShellMiddlewareTests)
{
    app.UseStrataShells();
    app.Use((context, next) =>
    {
        context.RequestServices.GetRequiredService<Probe>().Next("AfterShells");
        context.Response.Headers["x-test-after-shells"] = "ran";
        return next(context);
    });
}

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
