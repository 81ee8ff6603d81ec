using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>Checks shared by the fault tests: what an upload answered, that nothing ready lacks its bytes, how fast uploads work again.</summary>
internal static class FaultRound
{
    /// <summary>G3: uploads work again within this long after the fault clears.</summary>
    public static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(5);

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<HttpResponseMessage> PutAsync(HttpClient client, string documentId, string slot, byte[] content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/documents/{documentId}/files/{slot}?fileName={slot}.bin")
        {
            Content = new ByteArrayContent(content),
        };
        request.Content.Headers.ContentType = NativeApi.OctetStream;
        return await client.SendAsync(request, Token);
    }

    /// <summary>
    /// Every file of the document that says it is ready downloads with exactly the size and SHA-256 it claims, and
    /// <paramref name="expected"/> (slot → bytes) lists what a 2xx answer acknowledged: each of those downloads byte-exact.
    /// Answers how many ready files there were.
    /// </summary>
    public static async Task<int> AssertReadyFilesHoldTheirBytesAsync(HttpClient client, string documentId, IReadOnlyDictionary<string, byte[]> expected)
    {
        using var list = await client.GetAsync($"/v1/documents/{documentId}/files", Token);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var ready = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in (await list.JsonAsync()).GetProperty("items").EnumerateArray())
        {
            if (file.Str("state") != "ReadyForDownloadFromServerToClient")
            {
                Assert.False(expected.ContainsKey(file.Str("slot")), $"acknowledged upload {file.Str("slot")} is {file.Str("state")}");
                continue;
            }

            ready.Add(file.Str("slot"));
            var bytes = await client.GetByteArrayAsync($"/v1/files/{file.Str("id")}/content", Token);
            Assert.Equal(file.GetProperty("size").GetInt64(), bytes.LongLength);
            Assert.Equal(file.Str("sha256"), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            if (expected.TryGetValue(file.Str("slot"), out var acknowledged))
            {
                Assert.Equal(acknowledged, bytes);
            }
        }

        Assert.Empty(expected.Keys.Except(ready));
        return ready.Count;
    }

    /// <summary>Sends the upload again until it is stored (201), and answers how long that took; fails past the limit.</summary>
    public static async Task<TimeSpan> RecoverAsync(HttpClient client, string documentId, string slot, byte[] content)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode last;
        do
        {
            using var response = await PutAsync(client, documentId, slot, content);
            last = response.StatusCode;
            if (last == HttpStatusCode.Created)
            {
                var stored = await response.JsonAsync();
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stored.Str("sha256"));
                return clock.Elapsed;
            }

            await Task.Delay(100, Token);
        }
        while (clock.Elapsed < RecoveryLimit);

        Assert.Fail($"uploads did not work again within {RecoveryLimit.TotalSeconds} s after the fault cleared; last answer {(int)last}");
        return clock.Elapsed;
    }

    public static byte[] Content(int length, int seed) => NativeApi.Bytes(length, seed);

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Where <see cref="Report"/> also appends its lines, when set: one JSON line per case, so runs can be compared.</summary>
    public const string ReportVariable = "ATTACHE_FAULT_REPORT";

    /// <summary>One line of figures for the test output (and the file <see cref="ReportVariable"/> names).</summary>
    public static void Report(string fault, int injected, int affected, int refused, IReadOnlyCollection<TimeSpan> recoveries)
    {
        var line = JsonSerializer.Serialize(new
        {
            fault,
            injected,
            affected,
            refused,
            recoveryMaxMs = recoveries.Count == 0 ? 0 : (int)recoveries.Max().TotalMilliseconds,
            recoveryMeanMs = recoveries.Count == 0 ? 0 : (int)recoveries.Average(r => r.TotalMilliseconds),
        });
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path)
        {
            File.AppendAllLines(path, [line]);
        }
    }
}
