using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Strata.Packaging.Tests;

/// <summary>
/// Every Strata package, packed once per test run (a version of its own) into a local folder; and fresh applications made
/// from <c>dotnet new</c> that consume them by name from that folder, as a new user would. Restores go to a packages folder
/// of the run's own (the machine's NuGet cache and nuget.org are read-only sources), so the machine's cache is left as it was.
/// </summary>
internal static class LocalFeed
{
    private static readonly Lazy<Task<string>> Packed = new(PackAsync);

    /// <summary>
    /// The run's folder: outside the repository (its Directory.Build.props and central package versions must not apply to a
    /// fresh app), one per checkout, and the previous run's is removed first, so at most one run's apps and packages (about
    /// 300 MB) stay on disk; the test host gives no reliable moment to remove them after.
    /// </summary>
    public static string Root { get; } = FreshRoot();

    public static string Version { get; } = "0.0.0-packagingtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    public static string Folder => Path.Combine(Root, "feed");

    private static string Repository => Metadata("RepositoryRoot");

    /// <summary>The feed folder, packed on first use.</summary>
    public static Task<string> GetAsync() => Packed.Value;

    /// <summary>Creates an application from a <c>dotnet new</c> template, with a nuget.config that reads the local feed first.</summary>
    public static async Task<string> NewAppAsync(string template, string name, params string[] options)
    {
        await GetAsync();
        var directory = Path.Combine(Root, name);
        await RunAsync("dotnet", ["new", template, "-o", directory, "-n", name, "--no-restore", .. options], Root);
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" /></config>
              <packageSources>
                <clear />
                <add key="strata-local" value="{Folder}" />
                <add key="machine-cache" value="{globalPackages}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        return directory;
    }

    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, string directory, TimeSpan? timeout = null)
    {
        using var process = Start(file, arguments, directory, out var output);
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish:\n{output}");
        }

        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        return output.ToString();
    }

    /// <summary>Starts a process whose standard output and error go into <paramref name="output"/>.</summary>
    public static Process Start(string file, IEnumerable<string> arguments, string directory, out StringBuilder output, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var log = new StringBuilder();
        output = log;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until the app started with <see cref="Start"/> answers HTTP (any status), failing with its log if it exits or takes over 60 s.</summary>
    public static async Task WaitUntilListeningAsync(HttpClient http, Process server, StringBuilder log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(server.HasExited, "the app exited:\n" + log);
            try
            {
                using var response = await http.GetAsync("/");
                return;
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the app did not answer within 60 s:\n" + log);
            await Task.Delay(200); // waiting for the process to listen
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FreshRoot()
    {
        var checkout = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Repository)))[..12];
        var root = Path.Combine(Path.GetTempPath(), "strata-packaging-" + checkout.ToLowerInvariant());
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return Directory.CreateDirectory(root).FullName;
    }

    private static async Task<string> PackAsync()
    {
        // The test project builds the libraries first (project references); pack them as they are.
        await RunAsync("dotnet", ["pack", Path.Combine(Repository, "Strata.slnx"), "-c", Metadata("Configuration"), "--no-build", "-o", Folder, $"-p:PackageVersion={Version}", "-nologo", "-v", "q"], Repository);
        return Folder;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Metadata(string key) =>
        typeof(LocalFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
