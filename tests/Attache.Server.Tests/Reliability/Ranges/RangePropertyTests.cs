using System.Globalization;
using System.Net.Http.Headers;
using Attache.Core.Downloads;
using Attache.Core.Ports;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Attache.Server.Tests.Reliability.Ranges;

/// <summary>
/// Random valid range sets over blobs of boundary sizes, checked against a small model of RFC 9110 §14: the status,
/// every part's Content-Range and every byte must match, on both the local-file and the streamed path.
/// </summary>
public sealed class RangePropertyTests(DownloadFixture fixture) : IClassFixture<DownloadFixture>
{
    private static readonly int[] Sizes = [1, 2, 4095, 4096, 4097, 65535, 65536, 65537, 1024 * 1024 + 1];

    /// <summary>The boundary sizes of reliability.md §3 D26: pages, the form buffer, S3's 5 MiB part, and beyond.</summary>
    private static readonly int[] BackendSizes = [0, 1, 4095, 4096, 4097, 65535, 65537, (1024 * 1024) - 1, (1024 * 1024) + 1, (5 * 1024 * 1024) + 1, 8 * 1024 * 1024];

    [Theory]
    [InlineData("local", 1)]
    [InlineData("streamed", 2)]
    public async Task D26_Random_range_sets_return_exactly_the_model_s_bytes(string hostName, int seed)
    {
        var host = fixture.Host(hostName);
        var random = new Random(seed);
        var contents = new Dictionary<int, byte[]>();
        foreach (var size in Sizes)
        {
            contents[size] = new byte[size];
            random.NextBytes(contents[size]);
            host.Add($"prop-{size}", contents[size]);
        }

        await CheckAsync(host, contents, size => $"/blob/prop-{size}", random, 400, int.MaxValue);
    }

    /// <summary>
    /// 10,000 random range sets over files stored by the server in the backend of the run (the data folder, or S3 when
    /// ATTACHE_TEST_STORAGE names s3), served by the download engine straight from that store.
    /// </summary>
    [Fact]
    public async Task D26_Ten_thousand_random_ranges_over_boundary_sizes_are_exact_on_the_run_s_blob_store()
    {
        await using var app = new AttacheApp();
        using var admin = app.CreateAdminClient();
        await admin.CreateDocumentAsync(new { id = "sizes" });
        var random = new Random(26);
        var contents = new Dictionary<int, byte[]>();
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        await using var host = await DownloadHost.StartAsync(kestrel: false, localPaths: false, TestContext.Current.CancellationToken, blobs);
        foreach (var size in BackendSizes)
        {
            contents[size] = new byte[size];
            random.NextBytes(contents[size]);
            var file = await admin.UploadAsync("sizes", contents[size], $"{size}.bin", $"s{size}");
            var sha = file.Str("sha256");
            host.Register($"size-{size}", new DownloadPlan(file.Str("id"), 1, sha, size, sha, "", DownloadHost.LastModified, "application/octet-stream", $"{size}.bin"));
        }

        await CheckAsync(host, contents, size => $"/blob/size-{size}", random, 10_000, 70 * 1024);
        Assert.Empty(app.Errors);
    }

    /// <summary>
    /// Runs <paramref name="cases"/> random range sets; all but one in twenty keep each range within
    /// <paramref name="span"/> bytes (near the start, the end or anywhere), so the many cases cost little while crossing
    /// the 64 KiB copy buffer and every boundary size.
    /// </summary>
    private static async Task CheckAsync(DownloadHost host, Dictionary<int, byte[]> contents, Func<int, string> path, Random random, int cases, int span)
    {
        var sizes = contents.Keys.ToArray();
        for (var i = 0; i < cases; i++)
        {
            var size = sizes[random.Next(sizes.Length)];
            var specs = Enumerable.Range(0, random.Next(1, 4))
                .Select(_ => size <= span || random.Next(20) == 0 ? RandomSpec(random, size) : ShortSpec(random, size, span))
                .ToList();
            var header = "bytes=" + string.Join(",", specs.Select(s => s.Text));
            var response = await host.RawAsync("GET", path(size), ("Range", header));
            var context = $"size {size}, Range: {header}";

            var expected = Model(specs, size);
            if (expected.Count == 0)
            {
                Assert.True(416 == response.Status, context);
                Assert.Equal($"bytes */{size}", response.Header("Content-Range"));
                continue;
            }

            Assert.True(206 == response.Status, context);
            Assert.Equal(response.Body.Length.ToString(CultureInfo.InvariantCulture), response.Header("Content-Length"));
            var content = contents[size];
            if (expected.Count == 1)
            {
                var (first, last) = expected[0];
                Assert.Equal($"bytes {first}-{last}/{size}", response.Header("Content-Range"));
                Assert.True(content.AsSpan(first, last - first + 1).SequenceEqual(response.Body), context);
                continue;
            }

            var parts = await Responses.PartsAsync(response.Body, MediaTypeHeaderValue.Parse(response.Header("Content-Type")!));
            var actual = parts.Select(p => p.ContentRange).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected.Select(r => $"bytes {r.First}-{r.Last}/{size}").Order(StringComparer.Ordinal), actual);
            foreach (var (_, contentRange, bytes) in parts)
            {
                var range = contentRange!;
                var bounds = range["bytes ".Length..range.IndexOf('/', StringComparison.Ordinal)].Split('-');
                var first = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                Assert.True(content.AsSpan(first, bytes.Length).SequenceEqual(bytes), context);
            }
        }
    }

    private sealed record Spec(string Text, long? First, long? Last, long? Suffix);

    private static Spec RandomSpec(Random random, int size)
    {
        var first = random.Next(0, size + size / 4 + 2);
        return random.Next(3) switch
        {
            0 => new Spec($"{first}-", first, null, null),
            1 => RandomSuffix(random, size),
            _ => RandomClosed(random, first, size),
        };
    }

    /// <summary>A range of at most <paramref name="span"/> bytes: a short suffix, an open range near the end, or a closed one.</summary>
    private static Spec ShortSpec(Random random, int size, int span)
    {
        var length = random.Next(1, span);
        var first = random.Next(0, size - length + 1);
        return random.Next(3) switch
        {
            0 => new Spec($"-{length}", null, null, length),
            1 => new Spec($"{size - length}-", size - length, null, null),
            _ => new Spec($"{first}-{first + length - 1}", first, first + length - 1, null),
        };
    }

    private static Spec RandomSuffix(Random random, int size)
    {
        var suffix = random.Next(0, size + 2);
        return new Spec($"-{suffix}", null, null, suffix);
    }

    private static Spec RandomClosed(Random random, int first, int size)
    {
        var last = first + random.Next(0, Math.Max(1, size / 3));
        return new Spec($"{first}-{last}", first, last, null);
    }

    /// <summary>Satisfiable ranges, overlapping ones merged (adjacent ones kept apart), ordered by start.</summary>
    private static List<(int First, int Last)> Model(List<Spec> specs, int size)
    {
        var ranges = new List<(int First, int Last)>();
        foreach (var spec in specs)
        {
            if (spec.Suffix is { } suffix)
            {
                if (suffix > 0 && size > 0)
                {
                    ranges.Add(((int)Math.Max(0, size - suffix), size - 1));
                }
            }
            else if (spec.First < size)
            {
                ranges.Add(((int)spec.First!.Value, (int)Math.Min(spec.Last ?? size - 1, size - 1)));
            }
        }

        var merged = new List<(int First, int Last)>();
        foreach (var range in ranges.OrderBy(r => r.First))
        {
            if (merged.Count > 0 && range.First <= merged[^1].Last)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, range.Last));
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }
}
