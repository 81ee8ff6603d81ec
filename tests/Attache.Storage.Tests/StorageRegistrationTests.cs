using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Attache.Storage.Tests;

public sealed class StorageRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task Starting_creates_the_data_folder_the_schema_and_sweeps_staging()
    {
        var dataPath = Path.Combine(_folder.Path, "data");
        var staging = Path.Combine(dataPath, "blobs", ".staging");
        Directory.CreateDirectory(staging);
        await File.WriteAllTextAsync(Path.Combine(staging, "left.partial"), "x", Token);
        using var host = Build(("Attache:DataPath", dataPath));

        await host.StartAsync(Token);

        Assert.IsType<SqliteMetadataStore>(host.Services.GetRequiredService<IMetadataStore>());
        Assert.IsType<FileSystemBlobStore>(host.Services.GetRequiredService<IBlobStore>());
        Assert.True(File.Exists(Path.Combine(dataPath, "attache.db")));
        Assert.Empty(Directory.EnumerateFiles(staging));
        Assert.Equal("1", await host.Services.GetRequiredService<IMetadataStore>().NextFileIdAsync(Token));
        await host.StopAsync(Token);
    }

    [Fact]
    public void A_relative_data_path_is_made_absolute()
    {
        using var host = Build(("Attache:DataPath", "some/where"));

        var options = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;

        Assert.Equal(Path.GetFullPath("some/where"), options.DataPath);
        Assert.Equal(Path.Combine(options.DataPath, "blobs"), options.BlobRoot);
    }

    [Fact]
    public async Task A_connection_string_in_configuration_overrides_the_default_file()
    {
        var database = Path.Combine(_folder.Path, "elsewhere", "meta.db");
        using var host = Build(("Attache:DataPath", Path.Combine(_folder.Path, "data")), ("Attache:Metadata:ConnectionString", $"Data Source={database}"));

        await host.StartAsync(Token);

        Assert.True(File.Exists(database));
        Assert.False(File.Exists(Path.Combine(_folder.Path, "data", "attache.db")));
        await host.StopAsync(Token);
    }

    [Theory]
    [InlineData("Attache:Metadata:Provider", "Postgres", "not available in this build", "Allowed values: Sqlite")]
    [InlineData("Attache:Metadata:Provider", "Oracle", "'Oracle'", "Allowed values: Sqlite")]
    [InlineData("Attache:Blobs:Provider", "Tape", "'Tape'", "Allowed values: FileSystem")]
    public async Task An_unknown_provider_fails_at_start_naming_the_key_and_the_allowed_values(string key, string value, string says, string allowed)
    {
        using var host = Build(("Attache:DataPath", Path.Combine(_folder.Path, "data")), (key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
        Assert.Contains(allowed, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "data")));
    }

    [Fact]
    public async Task S3_blobs_without_a_valid_bucket_or_part_size_fail_at_start_naming_the_keys()
    {
        using var host = Build(
            ("Attache:DataPath", Path.Combine(_folder.Path, "data")),
            ("Attache:Blobs:Provider", "S3"),
            ("Attache:Blobs:S3:Bucket", "Not_A_Bucket"),
            ("Attache:Blobs:S3:PartSizeBytes", "1048576"),
            ("Attache:Blobs:S3:AccessKey", "only-the-access-key"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Contains("Attache:Blobs:S3:Bucket", error.Message, StringComparison.Ordinal);
        Assert.Contains("Attache:Blobs:S3:PartSizeBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Attache:Blobs:S3:AccessKey and Attache:Blobs:S3:SecretKey", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "data")));
    }

    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddLogging();
        builder.Services.AddAttacheStorage(builder.Configuration);
        return builder.Build();
    }
}
