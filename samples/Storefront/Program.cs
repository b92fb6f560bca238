using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.ResponseCompression;
using Storefront;
using Storefront.Components;
using Storefront.Data;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents()           // /interactive: a cached component on an interactive page
    .AddInteractiveWebAssemblyComponents();     // [UseClient] components (samples/Storefront.Client)
builder.Services.AddSingleton<Database>();
builder.Services.AddSingleton<Upstream>();
builder.Services.AddSingleton<ShopData>();
builder.Services.AddSingleton<CachedShop>();   // [UseCache] methods: AddStrata() swaps in the cached subclass
builder.Services.AddSingleton<Anchor>();
builder.Services.AddScoped<MemberActions>();    // [UseServer] classes: resolved per call in the request's scope
builder.Services.AddScoped<MemberDirectory>();
builder.Services.AddScoped<CartActions>();
builder.Services.AddScoped<AdminActions>();
builder.Services.AddSingleton<PostStore>();
builder.Services.AddSingleton<PostDirectory>();
builder.Services.AddScoped<PostActions>();
builder.Services.AddHttpContextAccessor();
// Pages, enhanced navigations, router prefetches and server function results go out in Brotli or gzip, as the browser
// asks (Next.js compresses too), except pages that stream: Blazor marks them Content-Encoding: identity. Static web assets
// come from their build-time .br/.gz files (MapStaticAssets), static shells from Strata's own (compressed once).
// Over HTTPS as well: the secrets in a page (antiforgery token, sealed server function captures) are re-encrypted for
// every response, so BREACH has nothing stable to recover (docs/use-client.md#what-it-costs-the-browser).
builder.Services.AddResponseCompression(o =>
{
    o.EnableForHttps = true;
    o.Providers.Add<BrotliCompressionProvider>();
    o.Providers.Add<GzipCompressionProvider>();
});
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o => o.LoginPath = "/login");
builder.Services.AddAuthorization(o => o.AddPolicy("strata-dashboard", p => p.RequireRole("admin"))); // /_strata: sign in at /login as admin / strata

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
app.UseStrataShells(); // shells of public pages answered here: the middleware below does not run for them
app.UseResponseCompression(); // every other response; shells were compressed once when they were made
app.UseAuthentication(); // before UseStrata: [Authorize] server functions see the signed-in user
app.UseAuthorization(); // after UseAuthentication (WebApplication would add it before): the dashboard's policy sees the signed-in user
app.UseStrata();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .AddInteractiveWebAssemblyRenderMode()
    .AddAdditionalAssemblies(typeof(Storefront.Client.Components.MyButton).Assembly); // /counter
app.MapStorefrontApi();
app.MapStrataDashboard("/_strata").RequireAuthorization("strata-dashboard"); // the cache dashboard, for admins only

app.Run();

/// <summary>The sample's entry point (also used by the tests' WebApplicationFactory).</summary>
public partial class Program;
