using System;
using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Strata;

namespace Shop.Reporting;

public sealed record Report(DateOnly Day, int Total);

[UseCache]
public class Reports
{
    private readonly IServiceProvider _services;

    public Reports(IServiceProvider services, [FromKeyedServices("archive")] object? archive = null, int days = 30, string label = "daily")
    {
        _services = services;
    }

    protected Reports(IServiceProvider services, bool replica)
    {
        _services = services;
    }

    public virtual Task<Report> Daily(DateOnly day) => Task.FromResult(new Report(day, 1));

    public virtual Task<ImmutableArray<int>> Totals(int year, params int[] months) => Task.FromResult(ImmutableArray<int>.Empty);

    public override string ToString() => "reports";
}
