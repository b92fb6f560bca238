using System.Diagnostics;

namespace Strata.Redis.Tests.Support;

/// <summary>
/// A local Redis Cluster of three masters (no replicas), each a real redis-server on a free loopback port (its cluster
/// bus on port + 10000), joined with <c>redis-cli --cluster create</c>. Stopped by disposing it (each server by its id).
/// </summary>
public sealed class RedisClusterServers : IAsyncDisposable
{
    private readonly List<RedisServer> _servers;
    private readonly string _directory;

    private RedisClusterServers(List<RedisServer> servers, string directory)
    {
        _servers = servers;
        _directory = directory;
    }

    /// <summary>The StackExchange.Redis configuration string naming every master.</summary>
    public string Configuration => string.Join(",", _servers.Select(s => s.Configuration));

    public static async Task<RedisClusterServers> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("strata-redis-cluster-").FullName;
        var servers = new List<RedisServer>();
        var cluster = new RedisClusterServers(servers, directory);
        try
        {
            while (servers.Count < 3)
            {
                var port = RedisServer.FreePort();
                if (port + 10000 > 65535 || !IsFree(port + 10000))
                {
                    continue;
                }

                var node = Path.Combine(directory, $"nodes-{port}.conf");
                servers.Add(await RedisServer.StartAsync(port, "--cluster-enabled", "yes", "--cluster-config-file", node, "--dir", directory));
            }

            var create = new ProcessStartInfo("/usr/bin/redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            create.ArgumentList.Add("--cluster");
            create.ArgumentList.Add("create");
            foreach (var server in servers)
            {
                create.ArgumentList.Add(server.Configuration);
            }

            create.ArgumentList.Add("--cluster-replicas");
            create.ArgumentList.Add("0");
            create.ArgumentList.Add("--cluster-yes");
            using (var process = Process.Start(create)!)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"redis-cli --cluster create failed ({process.ExitCode}): {await output} {await error}");
                }
            }

            await Eventually.TrueAsync(() => servers.All(s => ClusterInfo(s).Contains("cluster_state:ok", StringComparison.Ordinal)), "the cluster to be ready", 60);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>How many keys each master holds.</summary>
    public int[] KeyCounts() => _servers.Select(s => int.Parse(Cli(s, "dbsize").Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string ClusterInfo(RedisServer server) => Cli(server, "cluster", "info");

    private static string Cli(RedisServer server, params string[] command)
    {
        var info = new ProcessStartInfo("/usr/bin/redis-cli") { RedirectStandardOutput = true, UseShellExecute = false, ArgumentList = { "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        foreach (var part in command)
        {
            info.ArgumentList.Add(part);
        }

        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
