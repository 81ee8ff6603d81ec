using System.Globalization;
using System.Net;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>Process-level fault tests: they attach strace to a server process, so nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessFaults
{
    public const string Name = "Process faults";
}

/// <summary>
/// H51: system calls of a running server fail by injection (strace attached to it, then detached), the N-th call
/// after the attach for N = 1, 2, 3 …, as SQLite's own I/O error tests do. An upload that met a failure is never
/// answered 2xx, a file is never ready without bytes that match it, and once strace lets go the same upload is
/// stored at once, by the same process.
/// </summary>
[Collection(ProcessFaults.Name)]
public sealed class IoErrorInjectionTests : IAsyncLifetime
{
    private const int Rounds = 10;
    private const int UploadBytes = 200 * 1024;
    private const string DocumentId = "io";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "attache-faults", Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        if ((StraceInjection.MissingPart() ?? ServerProcess.MissingPart()) is { } missing)
        {
            Assert.Skip(missing);
        }

        Directory.CreateDirectory(_folder);
        _server = await ServerProcess.StartAsync(Path.Combine(_folder, "data"), null, FaultRound.Token);
        _client = _server.AdminClient();
        await _client.CreateDocumentAsync(new { id = DocumentId });
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public Task H51_The_nth_fsync_failing_with_EIO_is_never_reported_as_stored() =>
        InjectAsync("fsync", "EIO", round => round, _ => null, [HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable]);

    [Fact]
    public Task H51_The_nth_file_write_failing_with_ENOSPC_is_answered_507() =>
        InjectAsync("pwrite64", "ENOSPC", round => round, _ => null, [HttpStatusCode.InsufficientStorage]);

    [Fact]
    public Task H51_The_rename_into_the_store_failing_with_EIO_is_never_reported_as_stored() =>
        // The runtime's File.Move falls back to link + unlink when rename fails (seen with strace: such an upload is
        // stored, durably), so both fail here. Not confined with -P: strace matches a rename by its source only, the
        // staging file's random name; nothing but the commit of a blob renames or links while the server runs.
        InjectAsync("rename,link", "EIO", _ => 1, _ => null, [HttpStatusCode.InternalServerError]);

    [Fact]
    public Task H51_The_fsync_of_the_folder_that_received_the_blob_failing_is_never_reported_as_stored() =>
        // -P on the fan-out folder of this upload's blob: its fsync after the rename (and after creating it) fails.
        InjectAsync("fsync", "EIO", _ => 1, sha256 => [Path.GetDirectoryName(BlobPath(sha256))!], [HttpStatusCode.InternalServerError]);

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private string BlobPath(string sha256) => Path.Combine(_server!.BlobRoot, sha256[..2], sha256[2..4], sha256);

    private async Task InjectAsync(
        string syscall, string error, Func<int, int> when, Func<string, string[]?> paths, HttpStatusCode[] allowed)
    {
        var server = _server!;
        var confined = false;
        var acknowledged = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var recoveries = new List<TimeSpan>();
        int injected = 0, affected = 0, refused = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            var slot = string.Create(CultureInfo.InvariantCulture, $"{syscall.Replace(',', '-')}{round}");
            var content = FaultRound.Content(UploadBytes, HashCode.Combine(syscall, round));
            var log = Path.Combine(_folder, slot + ".strace");
            var confinedTo = paths(FaultRound.Sha256(content));
            confined |= confinedTo is not null;
            HttpStatusCode status;
            DateTimeOffset answered;
            await using (var strace = await StraceInjection.AttachAsync(
                             server.ProcessId, syscall, error, when(round), log, confinedTo, FaultRound.Token))
            {
                using (var response = await FaultRound.PutAsync(_client, DocumentId, slot, content))
                {
                    answered = TimeProvider.System.GetUtcNow();
                    status = response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged[slot] = content;
                    }
                    else
                    {
                        refused++;
                    }
                }

                await strace.DetachAsync();
            }

            var hits = StraceInjection.InjectedBefore(log, answered);
            injected += hits.Count;
            if (hits.Count > 0 && !IsSuccess(status))
            {
                affected++;
                Assert.Contains(status, allowed);
            }
            else if (hits.Count > 0)
            {
                // Unconfined, the n-th call may be a write of the audit trail, which runs beside the upload; the upload
                // then stood, and is checked byte-exact below like every acknowledged one. A confined one always counts.
                Assert.True(confinedTo is null, $"{syscall} failed ({error}) on the upload's own path, yet {slot} was answered {(int)status}: {string.Join(" | ", hits)}");
            }

            Assert.False(server.HasExited, "the server ended under the fault");
            await FaultRound.AssertReadyFilesHoldTheirBytesAsync(_client, DocumentId, acknowledged);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.BlobRoot, ".staging")));

            // The fault is gone: the same upload is stored by the same process.
            recoveries.Add(await FaultRound.RecoverAsync(_client, DocumentId, slot, content));
            acknowledged[slot] = content;
        }

        await FaultRound.AssertReadyFilesHoldTheirBytesAsync(_client, DocumentId, acknowledged);
        FaultRound.Report($"{syscall} {error}" + (confined ? " (-P)" : ""), injected, affected, refused, recoveries);
        // Each round's fault must really have hit an upload, or this test proves nothing.
        Assert.True(affected >= Rounds / 2, $"only {affected} of {Rounds} rounds met the injected {syscall} failure");
    }
}
