using System.Diagnostics;
using System.Globalization;
using System.Net;
using Attache.Server.Tests.Api;
using Attache.Storage.Tests.Blobs;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>
/// H53: the S3 service answers, but with an error: 503 SlowDown, 500 InternalError, or CompleteMultipartUpload's
/// 200 OK carrying an <c>Error</c> body, given by a proxy in front of the real service to the requests of one step of
/// an upload or download. Uploads fail with 503 (SlowDown) or 502 (an error answer) and Retry-After, after the SDK's
/// own few retries; nothing is ready without its bytes, no staging object or unfinished upload stays, a download is
/// 503/502 rather than 404 or 500, and once the answers are good again the same app stores and serves within 5 s.
/// </summary>
[Collection(ProcessFaults.Name)]
public sealed class S3ErrorAnswerTests
{
    private const int Rounds = 3;
    private const string DocumentId = "s3-errors";

    /// <summary>Uploads up to one part are staged with one PutObject; larger ones as a multipart upload of two parts.</summary>
    private const int SmallUpload = 50_000;
    private const int MultipartUpload = S3Blobs.PartSize + 1_000;

    /// <summary>The SDK tries a request this many times in all (its standard retry mode) before the error reaches the store.</summary>
    private const int SdkAttempts = 3;

    private static CancellationToken Token => FaultRound.Token;

    private static readonly Dictionary<string, (S3Fault Fault, int Bytes, HttpStatusCode Expected)> UploadCases = new()
    {
        ["PutObject 503 SlowDown"] = (S3Fault.SlowDown("PutObject", S3Fault.PutObject), SmallUpload, HttpStatusCode.ServiceUnavailable),
        ["PutObject 500 InternalError"] = (S3Fault.InternalError("PutObject", S3Fault.PutObject), SmallUpload, HttpStatusCode.BadGateway),
        ["CreateMultipartUpload 503 SlowDown"] = (S3Fault.SlowDown("CreateMultipartUpload", S3Fault.InitiateUpload), MultipartUpload, HttpStatusCode.ServiceUnavailable),
        ["UploadPart 500 InternalError"] = (S3Fault.InternalError("UploadPart", S3Fault.UploadPart), MultipartUpload, HttpStatusCode.BadGateway),
        ["CompleteMultipartUpload 200 with an Error body"] = (S3Fault.ErrorIn200("CompleteMultipartUpload", S3Fault.CompleteUpload), MultipartUpload, HttpStatusCode.BadGateway),
    };

    public static TheoryData<string> UploadCaseNames => new(UploadCases.Keys);

    [Theory]
    [MemberData(nameof(UploadCaseNames))]
    public async Task H53_an_S3_error_answer_fails_the_upload_cleanly_and_uploads_work_again_once_it_stops(string name)
    {
        var (fault, bytes, expected) = UploadCases[name];
        await using var rig = await Rig.StartAsync();
        var objectsBefore = rig.App.BlobFiles().Count();

        rig.Proxy.Arm(fault);
        var worst = TimeSpan.Zero;
        for (var round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await FaultRound.PutAsync(rig.Client, DocumentId, $"failed{round}", FaultRound.Content(bytes, seed: round));
            var problem = await response.ProblemAsync(expected);
            Assert.Equal(expected == HttpStatusCode.ServiceUnavailable ? "Storage unavailable" : "Storage error", problem.Str("title"));
            Assert.NotNull(response.Headers.RetryAfter);
            worst = clock.Elapsed > worst ? clock.Elapsed : worst;
        }

        // The SDK retried each failed request by itself, a bounded number of times, and quickly.
        var attempts = rig.Proxy.Answered.Count;
        Assert.True(attempts is >= Rounds * 2 and <= Rounds * SdkAttempts,
            $"{attempts} error answers for {Rounds} uploads; the requests the proxy saw last: {string.Join(", ", rig.Proxy.Seen.TakeLast(12))}");
        Assert.True(worst < TimeSpan.FromSeconds(10), $"an upload that met {name} took {worst}");

        rig.Proxy.Disarm();
        var recovery = await FaultRound.RecoverAsync(rig.Client, DocumentId, "failed0", FaultRound.Content(bytes, seed: 0));
        var ready = await FaultRound.AssertReadyFilesHoldTheirBytesAsync(rig.Client, DocumentId, new Dictionary<string, byte[]>
        {
            ["kept"] = rig.Kept,
            ["failed0"] = FaultRound.Content(bytes, seed: 0),
        });
        Assert.Equal(2, ready);
        // Nothing of the failed uploads stayed: no staging object, no unfinished multipart upload, one new blob (the retry's).
        Assert.Empty(rig.App.StagingFiles());
        Assert.Equal(objectsBefore + 1, rig.App.BlobFiles().Count());
        // Injected: the error answers the proxy gave, the SDK's retries included.
        FaultRound.Report($"S3 {name} (slowest failed upload {worst.TotalMilliseconds:F0} ms)", attempts, Rounds, Rounds, [recovery]);
    }

    [Theory]
    [InlineData(503, HttpStatusCode.ServiceUnavailable)]
    [InlineData(500, HttpStatusCode.BadGateway)]
    public async Task H53_a_download_while_S3_answers_GetObject_with_an_error_is_503_or_502_and_serves_again_once_it_stops(int s3Status, HttpStatusCode expected)
    {
        await using var rig = await Rig.StartAsync();
        var content = $"/v1/files/{rig.KeptFileId}/content";

        rig.Proxy.Arm(s3Status == 503 ? S3Fault.SlowDown("GetObject", S3Fault.GetObject) : S3Fault.InternalError("GetObject", S3Fault.GetObject));
        using (var download = await rig.Client.GetAsync(content, Token))
        {
            await download.ProblemAsync(expected);
            Assert.NotNull(download.Headers.RetryAfter);
        }

        Assert.True(rig.Proxy.Answered.Count is >= 2 and <= SdkAttempts,
            $"{rig.Proxy.Answered.Count} error answers for one download; the requests the proxy saw last: {string.Join(", ", rig.Proxy.Seen.TakeLast(6))}");
        rig.Proxy.Disarm();
        var clock = Stopwatch.StartNew();
        Assert.Equal(rig.Kept, await rig.Client.GetByteArrayAsync(content, Token));
        Assert.True(clock.Elapsed < FaultRound.RecoveryLimit, $"the download took {clock.Elapsed} once S3 answered again");
    }

    /// <summary>An app whose S3 blobs go through an <see cref="S3ErrorProxy"/>, with one small file stored before any fault.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private TestStore _store = null!;

        public S3ErrorProxy Proxy { get; private set; } = null!;

        public AttacheApp App { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public byte[] Kept { get; } = FaultRound.Content(10_000, seed: 99);

        public string KeptFileId { get; private set; } = "";

        public static async Task<Rig> StartAsync()
        {
            if (!S3TestService.IsConfigured)
            {
                Assert.Skip("needs S3: " + S3TestService.SkipReason);
            }

            var rig = new Rig { _store = new TestStore(TestStore.UsesPostgres, s3: true) };
            var service = new Uri(rig._store.Settings["Attache:Blobs:S3:ServiceUrl"]!);
            var address = (await Dns.GetHostAddressesAsync(service.Host, Token)).First();
            rig.Proxy = new S3ErrorProxy(new IPEndPoint(address, service.Port));
            rig.App = new AttacheApp(new Dictionary<string, string?>
            {
                ["Attache:Blobs:S3:ServiceUrl"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{rig.Proxy.Port}"),
            }, store: rig._store);
            rig.Client = rig.App.CreateAdminClient();
            await rig.Client.CreateDocumentAsync(new { id = DocumentId });
            rig.KeptFileId = (await rig.Client.UploadAsync(DocumentId, rig.Kept, "kept.bin", slot: "kept")).Str("id");
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.DisposeAsync();
            await Proxy.DisposeAsync();
            await _store.DisposeAsync();
        }
    }
}
