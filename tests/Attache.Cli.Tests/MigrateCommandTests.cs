extern alias cli;

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Attache.Server.Tests;
using Attache.Storage.Tests.Blobs;
using cli::Attache.Cli;

namespace Attache.Cli.Tests;

/// <summary>
/// <c>attache migrate</c> from a real embedded install (SQLite and a blob folder, filled through the server) into
/// PostgreSQL and S3, then a server on the target serving what the source held.
/// </summary>
public sealed class MigrateCommandTests : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _folder = Directory.CreateTempSubdirectory("attache-migrate-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Copies_metadata_and_blobs_verifies_them_and_changes_nothing_when_run_again()
    {
        var source = await FilledSourceAsync();
        var target = Target();

        var first = await RunAsync("migrate", "--source-data", source.Store.DataPath, "--target", TargetFile(target));
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("blobs copied 3, already there 0", first.Output, StringComparison.Ordinal);
        Assert.Contains("corrupt 0", first.Output, StringComparison.Ordinal);
        Assert.Contains("blobs: 3/3", first.Error, StringComparison.Ordinal);

        var again = await RunAsync("migrate", "--source-data", source.Store.DataPath, "--target", TargetFile(target));
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("blobs copied 0, already there 3", again.Output, StringComparison.Ordinal);
        Assert.StartsWith("rows 0,", again.Output, StringComparison.Ordinal);

        // A server on the target serves every file, its versions, the admin's key and the principals, as the source did.
        await using var moved = new AttacheApp(store: target);
        using var admin = moved.CreateAdminClient();
        foreach (var (fileId, content) in source.Files)
        {
            Assert.Equal(content, await admin.GetByteArrayAsync($"/v1/files/{fileId}/content", Token));
        }

        Assert.Equal(source.FirstVersion, await admin.GetByteArrayAsync($"/v1/files/{source.Files[0].FileId}/versions/1/content", Token));
        using (var principal = await admin.GetAsync("/v1/principals/ada", Token))
        {
            Assert.Equal(HttpStatusCode.OK, principal.StatusCode);
        }

        // New files on the target get ids after the copied ones.
        using var created = await admin.PutAsync("/v1/documents/doc-0/files/later", new ByteArrayContent([1, 2, 3]), Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var newId = (await created.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString();
        Assert.DoesNotContain(newId, source.Files.Select(f => f.FileId));
    }

    [Fact]
    public async Task Refuses_a_target_holding_another_install_unless_forced()
    {
        var source = await FilledSourceAsync();
        var target = Target();
        await using (var other = new AttacheApp(store: target))
        {
            using var admin = other.CreateAdminClient();
            using var created = await admin.PostAsJsonAsync("/v1/documents", new { id = "theirs" }, Token);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var refused = await RunAsync("migrate", "--source-data", source.Store.DataPath, "--target", TargetFile(target));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Empty(await target.QueryAsync("SELECT id FROM documents WHERE id = 'doc-0'", Token));

        var forced = await RunAsync("migrate", "--source-data", source.Store.DataPath, "--target", TargetFile(target), "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(["doc-0", "doc-1", "theirs"], await target.QueryAsync("SELECT id FROM documents ORDER BY id", Token));
    }

    [Fact]
    public async Task A_blob_whose_bytes_do_not_match_its_sha256_is_reported_and_not_copied()
    {
        var source = await FilledSourceAsync();
        var (damagedId, damagedContent) = source.Files[1];
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(damagedContent));
        var path = Directory.EnumerateFiles(Path.Combine(source.Store.DataPath, "blobs"), sha256, SearchOption.AllDirectories).Single();
        // Same length, other bytes: only the checksum can tell.
        await File.WriteAllBytesAsync(path, [.. damagedContent.Take(10), (byte)(damagedContent[10] ^ 0xFF), .. damagedContent.Skip(11)], Token);
        var target = Target();

        var result = await RunAsync("migrate", "--source-data", source.Store.DataPath, "--target", TargetFile(target));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"blob {sha256} (the source's bytes hash to", result.Error, StringComparison.Ordinal);
        Assert.Contains("blobs copied 2", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(await target.S3!.KeysAsync(), key => key.EndsWith(sha256, StringComparison.Ordinal));
        _ = damagedId;
    }

    [Fact]
    public async Task Needs_exactly_one_source()
    {
        var result = await RunAsync("migrate", "--target", Path.Combine(_folder, "target.json"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--source", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_configuration_naming_no_usable_store_is_an_error_message()
    {
        var source = await FilledSourceAsync();
        var unknown = Path.Combine(_folder, "unknown.json");
        await File.WriteAllTextAsync(unknown, """{"Attache":{"Metadata":{"Provider":"Oracle"}}}""", Token);
        var result = await RunAsync("migrate", "--source-data", source.Store.DataPath, "--target", unknown);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Attache:Metadata:Provider", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);

        var empty = Directory.CreateDirectory(Path.Combine(_folder, "not-an-install")).FullName;
        result = await RunAsync("migrate", "--source-data", empty, "--target", unknown);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("holds no attache.db", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));

        var same = Path.Combine(_folder, "same.json");
        await File.WriteAllTextAsync(same, JsonSerializer.Serialize(new { Attache = new { DataPath = source.Store.DataPath } }), Token);
        result = await RunAsync("migrate", "--source-data", source.Store.DataPath, "--target", same);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("same metadata database", result.Error, StringComparison.Ordinal);
    }

    private sealed record Source(TestStore Store, List<(string FileId, byte[] Content)> Files, byte[] FirstVersion);

    /// <summary>An embedded install with two documents, three files (one with two versions) and a principal; its server stopped.</summary>
    private async Task<Source> FilledSourceAsync()
    {
        var store = Own(new TestStore(postgres: false, s3: false));
        var files = new List<(string, byte[])>();
        var firstVersion = CliHost.Bytes(2000, 1);
        await using (var app = new AttacheApp(store: store))
        {
            using var admin = app.CreateAdminClient();
            for (var d = 0; d < 2; d++)
            {
                using var created = await admin.PostAsJsonAsync("/v1/documents", new { id = $"doc-{d}", title = $"Document {d}" }, Token);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            using (var first = await admin.PutAsync("/v1/documents/doc-0/files/main", new ByteArrayContent(firstVersion), Token))
            {
                Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            }

            foreach (var (document, slot, seed) in new[] { ("doc-0", "main", 2), ("doc-1", "main", 3) })
            {
                var content = CliHost.Bytes(5000 + seed, seed);
                using var uploaded = await admin.PutAsync($"/v1/documents/{document}/files/{slot}", new ByteArrayContent(content), Token);
                Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
                files.Add(((await uploaded.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!, content));
            }

            using var principal = await admin.PostAsJsonAsync("/v1/principals", new { name = "ada", groups = new[] { "admin" } }, Token);
            Assert.Equal(HttpStatusCode.Created, principal.StatusCode);
        }

        return new Source(store, files, firstVersion);
    }

    private TestStore Target()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestStore.PostgresVariable)))
        {
            Assert.Skip($"attache migrate's tests need PostgreSQL: {TestStore.PostgresVariable}; .ci/run sets it.");
        }

        Assert.SkipUnless(S3TestService.IsConfigured, S3TestService.SkipReason);
        return Own(new TestStore(postgres: true, s3: true));
    }

    /// <summary>The target's settings as the JSON configuration file an operator would write.</summary>
    private string TargetFile(TestStore target)
    {
        var root = new JsonObject();
        foreach (var (key, value) in target.Settings)
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                node = (JsonObject)(node[part] ??= new JsonObject());
            }

            node[parts[^1]] = value;
        }

        var path = Path.Combine(_folder, $"target-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private static async Task<CliResult> RunAsync(params string[] args)
    {
        var root = CliApp.Build((_, _) => throw new InvalidOperationException("migrate needs no server"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(root, args, output, error, Token);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
