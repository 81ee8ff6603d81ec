using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Attache.Server.Tests.Reliability.Crash;

/// <summary>
/// An upload the server answered with 2xx: where it landed (a chat upload's answer names no file: its unique file name
/// finds it) and what it must read back as.
/// </summary>
internal sealed record AcknowledgedUpload(string? FileId, int Version, long Size, string Sha256, string? ChatFileName = null);

/// <summary>
/// One client that uploads until it is stopped or the server goes away: raw bodies (with and without a length) and
/// multipart forms on the native API, and (given a session) chat attachments, which are recorded in progress before
/// their bytes arrive; sizes spread evenly over orders of magnitude from 0 bytes to 8 MiB, sent in pieces with short
/// pauses so that a kill lands inside bodies as well as between them.
/// </summary>
internal sealed class CrashUploader(int number, Random random, Uri server, string chatCookie)
{
    private const int LargestPower = 23;

    public List<AcknowledgedUpload> Acknowledged { get; } = [];

    /// <summary>Uploads that got no answer (the server died under them): they may or may not have been stored.</summary>
    public int Unanswered { get; private set; }

    /// <summary>Answers other than 2xx while the server was up, with the reason; a crash test expects none.</summary>
    public List<string> Refused { get; } = [];

    public async Task RunAsync(CancellationToken stop)
    {
        using var client = ScaleOut.Cluster.Client(server, ScaleOut.Cluster.AdminKey);
        // The chat dialect takes only its session cookie: a request that also carries a bearer credential is refused.
        using var chatClient = ScaleOut.Cluster.Client(server);
        while (!stop.IsCancellationRequested)
        {
            var size = (int)Math.Pow(2, random.NextDouble() * LargestPower) - 1;
            var bytes = new byte[size];
            random.NextBytes(bytes);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var body = new PacedContent(bytes, random.Next(), random.Next(3) == 0 ? null : bytes.Length);
            var kind = random.Next(3);
            var chatFileName = $"c{number}-{Guid.NewGuid():N}.bin";
            using var request = kind switch
            {
                0 => new HttpRequestMessage(HttpMethod.Put, $"v1/documents/{CrashStore.DocumentId}/files/r{number}?fileName=raw.bin") { Content = body },
                1 => new HttpRequestMessage(HttpMethod.Post, $"v1/documents/{CrashStore.DocumentId}/files")
                {
                    Content = new MultipartFormDataContent { { body, "m" + number, "part.bin" } },
                },
                _ => new HttpRequestMessage(HttpMethod.Post, $"chat/api/v1/messages/{CrashStore.MessageId}/attachments")
                {
                    Content = new MultipartFormDataContent { { body, "files", chatFileName } },
                    Headers = { { "Cookie", chatCookie } },
                },
            };
            try
            {
                // Not tied to stop: an upload in flight runs until the kill answers it.
                using var response = await (kind == 2 ? chatClient : client).SendAsync(request, CancellationToken.None);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    Refused.Add($"{(int)response.StatusCode} {text}");
                    continue;
                }

                if (kind == 2)
                {
                    Acknowledged.Add(new AcknowledgedUpload(null, 1, size, sha256, chatFileName));
                    continue;
                }

                using var json = JsonDocument.Parse(text);
                var file = kind == 1 ? json.RootElement.GetProperty("items")[0] : json.RootElement;
                Acknowledged.Add(new AcknowledgedUpload(
                    file.GetProperty("id").GetString()!, file.GetProperty("version").GetInt32(), size, sha256));
                Assert.Equal(sha256, file.GetProperty("sha256").GetString());
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                Unanswered++;
                return;
            }
        }
    }

    /// <summary>The bytes in pieces of random size, with an occasional pause of a few milliseconds.</summary>
    private sealed class PacedContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly Random _random;

        public PacedContent(byte[] bytes, int seed, long? declaredLength)
        {
            _bytes = bytes;
            _random = new Random(seed);
            Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            Headers.ContentLength = declaredLength;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var sent = 0;
            while (sent < _bytes.Length)
            {
                var piece = Math.Min(_bytes.Length - sent, _random.Next(1, 512 * 1024));
                await stream.WriteAsync(_bytes.AsMemory(sent, piece));
                sent += piece;
                if (_random.Next(4) == 0)
                {
                    await Task.Delay(_random.Next(1, 20));
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return Headers.ContentLength is not null;
        }
    }
}
