using System.Diagnostics;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Http;

/// <summary>
/// One real server process (embedded SQLite, blobs on the filesystem) in X-Accel-Redirect mode, behind an nginx
/// configured as docs/deploy.md shows; both started here and stopped by their ids.
/// </summary>
internal sealed class AccelRedirectFront : IAsyncDisposable
{
    public const string Prefix = "/_attache/blobs/";

    private readonly string _folder;
    private Process? _nginx;

    private AccelRedirectFront(string folder) => _folder = folder;

    public Cluster.Node Server { get; private set; } = null!;

    /// <summary>nginx, in front of <see cref="Server"/>.</summary>
    public Uri Front { get; private set; } = null!;

    /// <summary>Why the front cannot run here, or null.</summary>
    public static string? MissingPart() =>
        Cluster.NginxPath() is null ? "the X-Accel-Redirect test needs nginx (Debian package nginx); .ci/run installs it."
        : Cluster.ServerAssembly() is null ? "the X-Accel-Redirect test needs the built Attache.Server.dll under artifacts/bin/Attache.Server."
        : null;

    public static async Task<AccelRedirectFront> StartAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "attache-accel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var front = new AccelRedirectFront(folder);
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Attache:Downloads:AccelRedirect:Prefix"] = Prefix,
                ["Attache:Dialects:SpeechExec:ApiKeys:0"] = SpeechExecKey,
            };
            front.Server = await Cluster.StartServerAsync(settings, folder, "server", cancellationToken);
            var port = Cluster.FreePort();
            front.Front = new Uri($"http://127.0.0.1:{port}/");
            front._nginx = await Cluster.StartNginxAsync(folder, NginxConfig(folder, port, front.Server.Address.Port, Path.Combine(folder, "server", "blobs")), front.Front, cancellationToken);
        }
        catch
        {
            await front.DisposeAsync();
            throw;
        }

        return front;
    }

    public const string SpeechExecKey = "speechexec-key-0123456789";

    /// <summary>The configuration of docs/deploy.md ("Downloads sent by nginx"), with this test's ports and folders.</summary>
    private static string NginxConfig(string folder, int port, int serverPort, string blobs) => $$"""
        {{Cluster.NginxFrame(folder)}}
            sendfile on;
            upstream attache {
                server 127.0.0.1:{{serverPort}};
                keepalive 16;
            }
            server {
                listen 127.0.0.1:{{port}};
                client_max_body_size 0;
                location / {
                    {{Cluster.NginxProxyToAttache}}
                }
                location {{Prefix}} {
                    internal;
                    alias {{blobs}}/;
                    etag off;
                    if_modified_since off;
                    add_header ETag $upstream_http_etag;
                    add_header Last-Modified $upstream_http_last_modified;
                    add_header X-Content-Type-Options $upstream_http_x_content_type_options;
                    add_header Content-Security-Policy $upstream_http_content_security_policy;
                    add_header Referrer-Policy $upstream_http_referrer_policy;
                    add_header x-sps-cri $upstream_http_x_sps_cri;
                }
            }
        }
        """;

    public async ValueTask DisposeAsync()
    {
        if (_nginx is not null)
        {
            await Cluster.StopAsync(_nginx);
        }

        if (Server is not null)
        {
            await Server.StopAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
