using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Strata.Redis.Benchmarks;

// dotnet run -c Release -- hit            hit latency (BenchmarkDotNet)
// dotnet run -c Release -- propagation    tag-invalidation propagation between two instances (p50/p99 over 1,000)
// dotnet run -c Release -- faults [seconds] [workers]   Redis faults under load (table for bench/results; see bench/faults.sh)
// All start their own redis-server on a free loopback port.
var mode = args.Length > 0 ? args[0] : "hit";
if (mode == "faults")
{
    var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6;
    var workers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8;
    Console.WriteLine(await Faults.RunAsync(TimeSpan.FromSeconds(seconds), workers));
    return;
}

if (mode == "propagation")
{
    var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
    Console.WriteLine(await Propagation.MeasureAsync(count));
    return;
}

var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(30));
BenchmarkRunner.Run<HitLatencyBenchmarks>(config, args.Skip(1).ToArray());
