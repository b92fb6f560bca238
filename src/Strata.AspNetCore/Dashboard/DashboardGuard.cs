using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;

namespace Strata.AspNetCore.Dashboard;

/// <summary>
/// Builds the dashboard's endpoints as the host starts, so that a dashboard mapped without authorization fails the start
/// (the check runs when its endpoints are built, which routing would otherwise do at the first request).
/// </summary>
internal sealed class DashboardGuard : IStartupFilter
{
    private readonly List<EndpointDataSource> _sources = [];

    public void Watch(IEnumerable<EndpointDataSource> sources)
    {
        lock (_sources)
        {
            _sources.AddRange(sources);
        }
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        lock (_sources)
        {
            foreach (var source in _sources)
            {
                _ = source.Endpoints; // runs the authorization check of each endpoint (MapStrataDashboard's Finally)
            }
        }
    };
}
