using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Strata.Client;

// The browser side starts the components the server marked [UseClient]. AddStrataServerProxies: a client component that
// injects a [UseServer] interface (IMemberActions) gets the generated proxy that calls the server.
var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.Services.AddStrataServerProxies();
await builder.Build().RunAsync();
