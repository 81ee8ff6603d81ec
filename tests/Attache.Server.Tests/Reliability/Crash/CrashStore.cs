using Attache.Server.Tests.ScaleOut;
using Attache.Storage.Tests.Blobs;
using Microsoft.Data.Sqlite;

namespace Attache.Server.Tests.Reliability.Crash;

/// <summary>
/// The store of a server that is killed and started again and again: the test store of this run's configuration
/// (SQLite and a blob folder, or PostgreSQL and/or S3), a private ASP.NET Core temporary folder, and what a
/// crash test looks at while the server is down or just started: blob keys, staging leftovers, temporary files, and the
/// rows that refer to blobs.
/// </summary>
internal sealed class CrashStore : IAsyncDisposable
{
    public const string DocumentId = "crash";

    /// <summary>The chat message whose attachments the chat uploads add.</summary>
    public const string MessageId = "7";

    /// <summary>The user the chat uploads sign in as (an administrator, so the message's room does not matter).</summary>
    public const string ChatUser = "crasher";

    public const string ChatPassword = "crasher-password-0123";

    private readonly TestStore _store = new();
    private readonly Dictionary<string, string?> _settings;
    private int _starts;

    public CrashStore()
    {
        TempPath = Path.Combine(_store.DataPath, "aspnet-temp");
        Directory.CreateDirectory(TempPath);
        _settings = new Dictionary<string, string?>(_store.Settings)
        {
            ["ASPNETCORE_TEMP"] = TempPath,
        };
        // One node: every staging upload and in-progress file found at start is a dead one. The defaults leave a day
        // to uploads that other nodes may still be receiving.
        if (_store.S3 is not null)
        {
            _settings["Attache:Blobs:S3:AbandonedUploadAge"] = "00:00:00.001";
        }

        if (TestStore.UsesPostgres)
        {
            _settings["Attache:Metadata:StaleUploadAge"] = "00:00:00";
        }
    }

    public string TempPath { get; }

    public static bool UsesSqlite => !TestStore.UsesPostgres;

    public string Describe => $"{(TestStore.UsesPostgres ? "PostgreSQL" : "SQLite")} + {(_store.S3 is null ? "file system" : "S3")}";

    public async Task<Cluster.Node> StartAsync(CancellationToken cancellationToken) =>
        await Cluster.StartServerAsync($"server-{_starts++ % 2}", _settings, _store.DataPath, cancellationToken);

    /// <summary>Keys of the committed blobs.</summary>
    public async Task<List<string>> BlobKeysAsync()
    {
        if (_store.S3 is not null)
        {
            var blobs = _store.S3.Prefix + "blobs/";
            return (await _store.S3.KeysAsync()).Where(k => k.StartsWith(blobs, StringComparison.Ordinal)).Select(k => k[blobs.Length..]).ToList();
        }

        var root = Path.Combine(_store.DataPath, "blobs");
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(p => !p.Contains(Path.DirectorySeparatorChar + ".staging" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Select(p => Path.GetRelativePath(root, p))
                .ToList()
            : [];
    }

    /// <summary>What uploads leave while they run: staging files, or staging objects and unfinished multipart uploads.</summary>
    public async Task<List<string>> StagingLeftoversAsync()
    {
        if (_store.S3 is not null)
        {
            // Open multipart uploads are listed by key too, so an unfinished one under staging/ shows here.
            return (await _store.S3.KeysAsync()).Where(k => !k.StartsWith(_store.S3.Prefix + "blobs/", StringComparison.Ordinal)).ToList();
        }

        var folder = Path.Combine(_store.DataPath, "blobs", ".staging");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder).ToList() : [];
    }

    /// <summary>Files ASP.NET Core buffered to disk (a form read whole) and never removed.</summary>
    public List<string> TemporaryFiles() => Directory.EnumerateFiles(TempPath, "ASPNETCORE_*.tmp").ToList();

    /// <summary>Blob keys that rows refer to: file versions and renditions.</summary>
    public async Task<HashSet<string>> ReferencedKeysAsync(CancellationToken cancellationToken) =>
        (await _store.QueryAsync("SELECT sha256 FROM file_versions UNION SELECT sha256 FROM renditions", cancellationToken)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The file a chat upload of <paramref name="fileName"/> became, as <c>fileId/version</c>, or null.</summary>
    public async Task<string?> ChatFileAsync(string fileName, CancellationToken cancellationToken) =>
        (await _store.QueryAsync(
            $"SELECT id || '/' || COALESCE(current_version, 0) FROM files WHERE document_id = '{MessageId}' AND file_name = '{fileName}'",
            cancellationToken)).SingleOrDefault();

    /// <summary>Every stored version as <c>fileId/number/size/sha256</c>.</summary>
    public async Task<List<string>> VersionsAsync(CancellationToken cancellationToken) =>
        await _store.QueryAsync("SELECT file_id || '/' || number || '/' || size || '/' || sha256 FROM file_versions", cancellationToken);

    /// <summary>Files left in a state that only a running upload may have.</summary>
    public async Task<List<string>> InProgressFilesAsync(CancellationToken cancellationToken) =>
        await _store.QueryAsync(
            "SELECT id || ' ' || state FROM files WHERE state IN ('UploadFromClientToServerInProgress', 'ChecksumVerificationOnServerSideInProgress')",
            cancellationToken);

    /// <summary>SQLite's own consistency check of the database file, run while no server has it open.</summary>
    public async Task<string> IntegrityCheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_store.DataPath, "attache.db")};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("; ", lines);
    }

    /// <summary>
    /// What the start-up sweeps of every start so far removed, summed from the servers' logs: blobs no row referred to,
    /// unfinished uploads (staging files or objects), and files left in progress.
    /// </summary>
    public (int Blobs, int Uploads, int InProgress) SweptSoFar()
    {
        int Sum(string pattern) => Directory.EnumerateFiles(_store.DataPath, "server-*.log")
            .SelectMany(File.ReadLines)
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, pattern))
            .Where(m => m.Success)
            .Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        return (Sum(@"Removed (\d+) blob\(s\) that no version"), Sum(@"(\d+) (?:unfinished|abandoned) upload"), Sum(@"Marked (\d+) upload\(s\) left in progress"));
    }

    /// <summary>Why this run cannot start server processes, or null.</summary>
    public static string? MissingPart()
    {
        if (Cluster.ServerAssembly() is null)
        {
            return "the crash test needs the built Attache.Server.dll under artifacts/bin/Attache.Server.";
        }

        return S3Blobs.Requested && !S3TestService.IsConfigured ? "the crash test on S3 needs the S3 test service: " + S3TestService.SkipReason : null;
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
