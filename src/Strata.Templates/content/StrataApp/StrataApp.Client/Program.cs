using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

// The browser side starts the components the server marked [UseClient]; nothing else to set up.
var builder = WebAssemblyHostBuilder.CreateDefault(args);
await builder.Build().RunAsync();
