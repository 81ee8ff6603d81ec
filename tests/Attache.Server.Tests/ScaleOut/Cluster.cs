using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Attache.Storage.Tests.Blobs;

namespace Attache.Server.Tests.ScaleOut;

/// <summary>
/// Two Attache server processes (the built <c>Attache.Server.dll</c>) on loopback ports, sharing one PostgreSQL
/// database and one S3 prefix, behind an nginx of their own that balances round-robin between them. Every process is
/// started here and stopped by its id; the database, the prefix and the temporary folder go with the cluster.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    public const string AdminKey = AttacheApp.AdminKey;

    /// <summary>How long a process may take to answer its first request.</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly TestStore _store;
    private readonly string _folder;
    private Process? _nginx;

    private Cluster(TestStore store, string folder)
    {
        _store = store;
        _folder = folder;
    }

    public Node First { get; private set; } = null!;

    public Node Second { get; private set; } = null!;

    /// <summary>The nginx front of both nodes.</summary>
    public Uri Balancer { get; private set; } = null!;

    /// <summary>Why a cluster cannot run here, or null when PostgreSQL, S3, nginx and the built server are all present.</summary>
    public static string? MissingPart()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestStore.PostgresVariable)))
        {
            return $"the scale-out test needs PostgreSQL: {TestStore.PostgresVariable} (a connection string to a server where tests may create databases); .ci/run sets it.";
        }

        if (!S3TestService.IsConfigured)
        {
            return "the scale-out test needs S3: " + S3TestService.SkipReason;
        }

        if (NginxPath() is null)
        {
            return "the scale-out test needs nginx (Debian package nginx); .ci/run installs it.";
        }

        return ServerAssembly() is null ? "the scale-out test needs the built Attache.Server.dll under artifacts/bin/Attache.Server." : null;
    }

    public static async Task<Cluster> StartAsync(CancellationToken cancellationToken)
    {
        var store = new TestStore(postgres: true, s3: true);
        var folder = Path.Combine(store.DataPath, "cluster");
        Directory.CreateDirectory(folder);
        var cluster = new Cluster(store, folder);
        try
        {
            cluster.First = await cluster.StartNodeAsync("first", cancellationToken);
            cluster.Second = await cluster.StartNodeAsync("second", cancellationToken);
            await cluster.StartNginxAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>A client of <paramref name="server"/>; with <paramref name="bearer"/>, authenticated by it.</summary>
    public static HttpClient Client(Uri server, string? bearer = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private Task<Node> StartNodeAsync(string name, CancellationToken cancellationToken) =>
        StartServerAsync(_store.Settings, _folder, name, cancellationToken);

    /// <summary>
    /// One server process with <paramref name="settings"/> (configuration keys such as <c>Attache:Blobs:Provider</c>, or
    /// plain environment variables), its data folder <paramref name="folder"/>/<paramref name="name"/> and its log beside it.
    /// </summary>
    internal static Task<Node> StartServerAsync(
        IReadOnlyDictionary<string, string?> settings, string folder, string name, CancellationToken cancellationToken)
    {
        var dataPath = Path.Combine(folder, name);
        Directory.CreateDirectory(dataPath);
        var withData = new Dictionary<string, string?>(settings) { ["Attache:DataPath"] = dataPath };
        return StartServerAsync(name, withData, folder, cancellationToken);
    }

    /// <summary>
    /// Starts one server process on a free loopback port with <paramref name="settings"/> (configuration keys such as
    /// <c>Attache:DataPath</c>, or plain environment variables) and the admin key, and waits until it answers
    /// <c>/health</c>. Its output goes to <c>name.log</c> in <paramref name="logFolder"/>.
    /// </summary>
    internal static async Task<Node> StartServerAsync(
        string name, IReadOnlyDictionary<string, string?> settings, string logFolder, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(ServerAssembly())!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerAssembly()!);
        // Settings go by environment, not the command line, so no secret shows in a process listing.
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Attache__AdminApiKey"] = AdminKey;
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var log = Path.Combine(logFolder, name + ".log");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new Node(name, process, new Uri($"http://127.0.0.1:{port}/"), log);
        node.CopyOutput();
        try
        {
            await WaitForHealthAsync(node.Address, process, log, cancellationToken);
        }
        catch
        {
            await node.StopAsync();
            throw;
        }

        return node;
    }

    private async Task StartNginxAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        Balancer = new Uri($"http://127.0.0.1:{port}/");
        _nginx = await StartNginxAsync(_folder, NginxConfig(_folder, port, First.Address.Port, Second.Address.Port), Balancer, cancellationToken);
    }

    /// <summary>Starts nginx with <paramref name="configuration"/> (written under <paramref name="folder"/>) and waits until <paramref name="address"/> answers /health.</summary>
    internal static async Task<Process> StartNginxAsync(string folder, string configuration, Uri address, CancellationToken cancellationToken)
    {
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, configuration, cancellationToken);
        var start = new ProcessStartInfo(NginxPath()!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // -e: the error log from the first line on, before the configuration names it (else /var/log/nginx).
        foreach (var argument in new[] { "-p", folder + "/", "-c", config, "-e", Path.Combine(folder, "nginx-error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var nginx = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        try
        {
            await WaitForHealthAsync(address, nginx, Path.Combine(folder, "nginx-error.log"), cancellationToken);
        }
        catch
        {
            await StopAsync(nginx);
            throw;
        }

        return nginx;
    }

    /// <summary>
    /// The balancer the documentation shows: round-robin over both nodes, bodies streamed both ways, a failed node
    /// skipped for the next request. <c>X-Upstream</c> tells the test which node answered.
    /// </summary>
    public static string NginxConfig(string folder, int port, int firstPort, int secondPort) => $$"""
        {{NginxFrame(folder)}}
            upstream attache {
                server 127.0.0.1:{{firstPort}} max_fails=1 fail_timeout=30s;
                server 127.0.0.1:{{secondPort}} max_fails=1 fail_timeout=30s;
                keepalive 16;
            }
            server {
                listen 127.0.0.1:{{port}};
                client_max_body_size 0;
                location / {
                    {{NginxProxyToAttache}}
                    proxy_read_timeout 300s;
                    proxy_next_upstream error timeout;
                    add_header X-Upstream $upstream_addr always;
                }
            }
        }
        """;

    /// <summary>
    /// What every test front shares: nginx in the foreground with all its files under <paramref name="folder"/>, up to
    /// the opening of its <c>http</c> block.
    /// </summary>
    internal static string NginxFrame(string folder) => $$"""
        daemon off;
        master_process on;
        worker_processes 1;
        pid {{folder}}/nginx.pid;
        error_log {{folder}}/nginx-error.log warn;
        {{(Environment.IsPrivilegedProcess ? "user root root;" : "")}}
        events { worker_connections 512; }
        http {
            access_log {{folder}}/nginx-access.log;
            client_body_temp_path {{folder}}/nginx-body;
            proxy_temp_path {{folder}}/nginx-proxy;
            fastcgi_temp_path {{folder}}/nginx-fastcgi;
            uwsgi_temp_path {{folder}}/nginx-uwsgi;
            scgi_temp_path {{folder}}/nginx-scgi;
        """;

    /// <summary>Passing a request on to the upstream <c>attache</c> the way docs/deploy.md does: bodies streamed both ways.</summary>
    internal const string NginxProxyToAttache = """
        proxy_pass http://attache;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_request_buffering off;
        proxy_buffering off;
        """;

    internal static async Task WaitForHealthAsync(Uri address, Process process, string log, CancellationToken cancellationToken)
    {
        using var client = Client(address);
        client.Timeout = TimeSpan.FromSeconds(5);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartLimit)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} ended with {process.ExitCode} before answering: {await ReadLogAsync(log)}");
            }

            try
            {
                using var response = await client.GetAsync("/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{address} did not answer /health within {StartLimit}: {await ReadLogAsync(log)}");
    }

    private static async Task<string> ReadLogAsync(string path)
    {
        try
        {
            return await File.ReadAllTextAsync(path);
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string? NginxPath() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>The server built beside these tests: artifacts/bin/Attache.Server/&lt;configuration&gt;/Attache.Server.dll.</summary>
    internal static string? ServerAssembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Name;
        var bin = testOutput.Parent?.Parent;
        var path = bin is null ? null : Path.Combine(bin.FullName, "Attache.Server", configuration, "Attache.Server.dll");
        return path is not null && File.Exists(path) ? path : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_nginx is not null)
        {
            await StopAsync(_nginx);
        }

        foreach (var node in new[] { First, Second })
        {
            if (node is not null)
            {
                await node.StopAsync();
            }
        }

        await _store.DisposeAsync();
    }

    /// <summary>Stops a process this cluster started, by its id: politely first, then by force.</summary>
    internal static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                // SIGTERM: nginx and ASP.NET Core both end gracefully on it.
                using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await process.WaitForExitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>One Attache process.</summary>
    internal sealed class Node(string name, Process process, Uri address, string log)
    {
        private Task? _output;
        private bool _stopped;

        public string Name { get; } = name;

        public Uri Address { get; } = address;

        public int ProcessId { get; } = process.Id;

        /// <summary>Where the process's standard output goes (its error output beside it, with <c>.err</c>).</summary>
        public string Log => log;

        /// <summary>Kills the process at once (SIGKILL), as a crash would: nothing of it runs after this returns.</summary>
        public async Task KillAsync()
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        public async Task StopAsync()
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            await Cluster.StopAsync(process);
            if (_output is not null)
            {
                await _output;
            }
        }

        /// <summary>Keeps the process's output in its log file, so its pipes never fill and a failure can show it.</summary>
        public void CopyOutput()
        {
            static async Task CopyAsync(StreamReader reader, string path)
            {
                // Appended: a process started again under the same name keeps the log of the one before.
                await using var file = new StreamWriter(path, append: true) { AutoFlush = true };
                while (await reader.ReadLineAsync() is { } line)
                {
                    await file.WriteLineAsync(line);
                }
            }

            _output = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log + ".err"));
        }
    }
}
