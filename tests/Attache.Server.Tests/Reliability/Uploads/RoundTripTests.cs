using System.Net;
using System.Security.Cryptography;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability.Uploads;

/// <summary>
/// Reliability cases E34 and E37 (reliability.md §3 E) on the run's blob store (the data folder, or S3): boundary sizes
/// round-trip byte-exact, raw and as multipart with one and with many parts, and two writers overwriting one file
/// leave it all one or all the other while readers see a whole version.
/// E34 differs from the suggestion in one point, as documented: an upload carries no <c>If-None-Match: *</c>; two
/// uploads into one slot both land, as successive versions, so neither is lost (see <see cref="UploadRaceTests"/>).
/// </summary>
public sealed class RoundTripTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private WatchedUser _user = null!;

    public async ValueTask InitializeAsync() => _user = await WatchedUser.StartAsync(_app);

    public async ValueTask DisposeAsync()
    {
        _user.AssertClean();
        _user.Dispose();
        await _app.DisposeAsync();
    }

    private static readonly int[] Sizes = [0, 1, 4095, 4096, 4097, 65535, 65536, 65537, (5 * 1024 * 1024) - 1, 5 * 1024 * 1024, (5 * 1024 * 1024) + 1, 5_243_880];

    [Fact]
    public async Task E37_Boundary_sizes_round_trip_byte_exact_raw_and_as_multipart_of_one_and_of_many_parts()
    {
        foreach (var size in Sizes)
        {
            var content = NativeApi.Bytes(size, seed: size);
            var file = await _user.Client.UploadAsync("doc", content, $"{size}.bin", $"raw{size}");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.Str("sha256"));
            Assert.Equal(content, await _user.Client.GetByteArrayAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token));
        }

        foreach (var group in new[] { Sizes.Take(1), Sizes.Skip(1).Take(8), Sizes.Skip(9).Take(1) })
        {
            using var form = new MultipartFormDataContent();
            var sent = group.Select(size => NativeApi.Bytes(size, seed: size + 1)).ToList();
            foreach (var content in sent)
            {
                form.Add(new ByteArrayContent(content), "parts", $"{content.Length}.bin");
            }

            using var response = await _user.Client.PostAsync("/v1/documents/doc/files", form, NativeApi.Token);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var items = (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(sent.Count, items.Count);
            for (var i = 0; i < sent.Count; i++)
            {
                Assert.Equal(sent[i], await _user.Client.GetByteArrayAsync($"/v1/files/{items[i].Str("id")}/content", NativeApi.Token));
            }
        }
    }

    [Fact]
    public async Task E34_Two_writers_leave_one_whole_version_and_readers_see_whole_versions_with_matching_etags()
    {
        const int size = 8 * 1024 * 1024;
        byte[] Filled(byte value) => Enumerable.Repeat(value, size).ToArray();
        var versions = new Dictionary<byte, string> { [(byte)'O'] = "", [(byte)'A'] = "", [(byte)'B'] = "" };
        foreach (var key in versions.Keys.ToList())
        {
            versions[key] = $"\"{Convert.ToHexStringLower(SHA256.HashData(Filled(key)))}\"";
        }

        var file = await _user.Client.UploadAsync("doc", Filled((byte)'O'), "x.bin");
        var path = $"/v1/files/{file.Str("id")}/content";
        var writers = new[] { (byte)'A', (byte)'B' }.Select(value => Task.Run(() => _user.Client.UploadAsync("doc", Filled(value), "x.bin"))).ToList();
        var seen = new List<byte>();
        while (!writers.TrueForAll(w => w.IsCompleted) || seen.Count < 3)
        {
            using var read = await _user.Client.GetAsync(path, NativeApi.Token);
            var body = await read.Content.ReadAsByteArrayAsync(NativeApi.Token);
            Assert.Equal(size, body.Length);
            Assert.True(body.AsSpan().IndexOfAnyExcept(body[0]) < 0, "a reader saw a mix of two versions");
            Assert.Equal(versions[body[0]], read.Headers.ETag?.Tag);
            seen.Add(body[0]);
        }

        await Task.WhenAll(writers);
        var final = await _user.Client.GetByteArrayAsync(path, NativeApi.Token);
        Assert.True(final[0] is (byte)'A' or (byte)'B');
        Assert.True(final.AsSpan().IndexOfAnyExcept(final[0]) < 0, "the final version mixes two writers");
        var listed = await (await _user.Client.GetAsync($"/v1/files/{file.Str("id")}/versions", NativeApi.Token)).JsonAsync();
        Assert.Equal(3, listed.GetProperty("items").GetArrayLength());
    }
}
