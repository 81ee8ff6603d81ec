using System.Net;
using System.Net.Http.Headers;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>
/// H50: the data folder on a tmpfs of 8 MiB that fills up. Uploads are refused with 507 in the API's problem format and
/// leave nothing behind, downloads go on, and once space is freed uploads work again in the same server.
/// </summary>
[Collection(ProcessFaults.Name)]
public sealed class DiskFullTests
{
    private const int Rounds = 10;
    private const string DocumentId = "full";

    private static CancellationToken Token => FaultRound.Token;

    [Fact]
    public async Task H50_A_full_data_folder_answers_507_leaves_no_trace_keeps_downloads_and_recovers_without_restart()
    {
        if (Tmpfs.MissingPart() is { } missing)
        {
            Assert.Skip(missing);
        }

        // Blobs on the file system (the folder that fills); metadata wherever this run keeps it.
        await using var store = new TestStore(TestStore.UsesPostgres, s3: false);
        var tmpfs = await Tmpfs.MountAsync(store.DataPath, megabytes: 8);
        try
        {
            await using var app = new AttacheApp(store: store);
            using var client = app.CreateAdminClient();
            await client.CreateDocumentAsync(new { id = DocumentId });
            var kept = FaultRound.Content(100 * 1024, seed: 7);
            var keptFile = await client.UploadAsync(DocumentId, kept, "kept.bin", slot: "kept");

            // Less room than one upload needs: each one gets part of the way, then the disk is full.
            tmpfs.Fill(leaveBytes: 256 * 1024);
            var freeBefore = tmpfs.FreeBytes;
            var refused = 0;
            for (var round = 0; round < Rounds; round++)
            {
                var content = FaultRound.Content(1024 * 1024, seed: round);
                using var response = round % 2 == 0
                    ? await FaultRound.PutAsync(client, DocumentId, $"big{round}", content)
                    : await PostMultipartAsync(client, content);
                var problem = await response.ProblemAsync(HttpStatusCode.InsufficientStorage);
                Assert.Equal("Insufficient storage", problem.Str("title"));
                Assert.False(response.Headers.Contains("Retry-After"));
                refused++;

                Assert.Empty(app.StagingFiles());
                // The partial staging file is gone: the room it took is free again.
                Assert.True(tmpfs.FreeBytes >= freeBefore - 64 * 1024, $"{freeBefore - tmpfs.FreeBytes} bytes stayed taken after refused upload {round}");
            }

            Assert.Equal(kept, await client.GetByteArrayAsync($"/v1/files/{keptFile.Str("id")}/content", Token));
            var ready = await FaultRound.AssertReadyFilesHoldTheirBytesAsync(client, DocumentId, new Dictionary<string, byte[]> { ["kept"] = kept });
            Assert.Equal(1, ready);

            // Not a byte left: even a small upload is refused.
            tmpfs.Fill(leaveBytes: 0);
            using (var small = await FaultRound.PutAsync(client, DocumentId, "small", FaultRound.Content(8 * 1024, seed: 99)))
            {
                await small.ProblemAsync(HttpStatusCode.InsufficientStorage);
            }

            Assert.Equal(kept, await client.GetByteArrayAsync($"/v1/files/{keptFile.Str("id")}/content", Token));

            tmpfs.Free();
            var recovery = await FaultRound.RecoverAsync(client, DocumentId, "big0", FaultRound.Content(1024 * 1024, seed: 0));
            await FaultRound.AssertReadyFilesHoldTheirBytesAsync(client, DocumentId, new Dictionary<string, byte[]>
            {
                ["kept"] = kept,
                ["big0"] = FaultRound.Content(1024 * 1024, seed: 0),
            });
            FaultRound.Report("disk full (tmpfs 8 MiB)", Rounds + 1, Rounds + 1, refused + 1, [recovery]);
        }
        finally
        {
            await tmpfs.DisposeAsync();
        }
    }

    [Fact]
    public async Task H50_A_full_temporary_folder_does_not_stop_uploads_because_none_buffers_there()
    {
        if ((Tmpfs.MissingPart() ?? ServerProcess.MissingPart()) is { } missing)
        {
            Assert.Skip(missing);
        }

        var folder = Path.Combine(Path.GetTempPath(), "attache-faults", Guid.NewGuid().ToString("N"));
        var temp = Path.Combine(folder, "temp");
        var tmpfs = await Tmpfs.MountAsync(temp, megabytes: 1);
        try
        {
            tmpfs.Fill(leaveBytes: 0);
            var environment = new Dictionary<string, string> { ["TMPDIR"] = temp, ["ASPNETCORE_TEMP"] = temp };
            await using var server = await ServerProcess.StartAsync(Path.Combine(folder, "data"), environment, Token);
            using var client = server.AdminClient();
            await client.CreateDocumentAsync(new { id = DocumentId });
            // Well past the 64 KiB a buffered form would keep in memory before spilling to the temporary folder.
            var content = FaultRound.Content(2 * 1024 * 1024, seed: 3);
            var raw = await client.UploadAsync(DocumentId, content, "raw.bin", slot: "raw");
            using (var multipart = await PostMultipartAsync(client, content))
            {
                Assert.Equal(HttpStatusCode.Created, multipart.StatusCode);
            }

            Assert.Equal(content, await client.GetByteArrayAsync($"/v1/files/{raw.Str("id")}/content", Token));
            Assert.Equal(0, tmpfs.FreeBytes);
        }
        finally
        {
            await tmpfs.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<HttpResponseMessage> PostMultipartAsync(HttpClient client, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "upload", "upload.bin");
        return await client.PostAsync($"/v1/documents/{DocumentId}/files", form, Token);
    }
}
