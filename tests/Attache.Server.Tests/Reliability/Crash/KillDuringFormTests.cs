using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Reliability.Crash;

/// <summary>
/// Case 49 (d) for the one endpoint that reads a whole form, the token endpoint: ASP.NET Core moves a form's file part
/// over 64 KiB to <c>ASPNETCORE_TEMP</c>, and a kill mid-request leaves that file for good.
/// </summary>
[Collection(nameof(CrashLoops))]
public sealed class KillDuringFormTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task H49_a_kill_during_a_large_multipart_form_to_the_token_endpoint_leaves_no_temporary_file()
    {
        if (CrashStore.MissingPart() is { } missing)
        {
            Assert.Skip(missing);
        }

        await using var store = new CrashStore();
        var node = await store.StartAsync(Token);
        using var client = Cluster.Client(node.Address);
        var firstHalfSent = new TaskCompletionSource();
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var content = new MultipartFormDataContent
        {
            { new StringContent("client_credentials"), "grant_type" },
            { new StalledContent(firstHalfSent, stall.Token), "upload", "big.bin" },
        };
        var request = client.PostAsync("v1/tokens", content, Token);

        // The first 1 MiB has left: a server that buffers the part to disk has made its temporary file by now.
        await Task.WhenAny(firstHalfSent.Task, request).WaitAsync(TimeSpan.FromSeconds(60), Token);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (store.TemporaryFiles().Count == 0 && !request.IsCompleted && waited.Elapsed < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(20, Token);
        }

        await node.KillAsync();
        await node.StopAsync();
        await stall.CancelAsync();
        try
        {
            // A server that refuses the form early answers before the kill; one that reads it loses the connection.
            (await request).Dispose();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
        }

        Assert.Empty(store.TemporaryFiles());
    }

    /// <summary>1 MiB of a file part, then nothing until <c>stall</c> is cancelled.</summary>
    private sealed class StalledContent(TaskCompletionSource firstHalfSent, CancellationToken stall) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(new byte[1024 * 1024]);
            await stream.FlushAsync();
            firstHalfSent.TrySetResult();
            await Task.Delay(Timeout.Infinite, stall);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
