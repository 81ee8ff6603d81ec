using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Attache.Core.Cluster;
using Attache.Storage.Metadata.Postgres;
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
    [InlineData("Attache:Metadata:Provider", "Postgres", "Attache:Metadata:ConnectionString must name the PostgreSQL database", "Host=")]
    [InlineData("Attache:Metadata:Provider", "Oracle", "'Oracle'", "Allowed values: Sqlite, Postgres")]
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

    [Fact]
    public async Task The_postgres_provider_serves_every_metadata_port_and_the_cluster_locks_from_the_configured_database()
    {
        await using var postgres = await TempPostgres.CreateAsync();
        using var host = Build(
            ("Attache:DataPath", Path.Combine(_folder.Path, "data")),
            ("Attache:Metadata:Provider", "Postgres"),
            ("Attache:Metadata:ConnectionString", postgres.ConnectionString));

        await host.StartAsync(Token);

        Assert.IsType<PostgresMetadataStore>(host.Services.GetRequiredService<IMetadataStore>());
        Assert.IsType<PostgresPrincipalStore>(host.Services.GetRequiredService<IPrincipalStore>());
        Assert.IsType<PostgresSecretStore>(host.Services.GetRequiredService<ISecretStore>());
        Assert.IsType<PostgresAuditStore>(host.Services.GetRequiredService<IAuditStore>());
        Assert.IsType<PostgresRenditionStore>(host.Services.GetRequiredService<IRenditionStore>());
        Assert.IsType<PostgresEditorSessionStore>(host.Services.GetRequiredService<IEditorSessionStore>());
        Assert.IsType<PostgresJobStore>(host.Services.GetRequiredService<IJobStore>());
        Assert.IsType<PostgresLocks>(host.Services.GetRequiredService<IClusterLocks>());
        Assert.Equal("1", await host.Services.GetRequiredService<IMetadataStore>().NextFileIdAsync(Token));
        Assert.False(File.Exists(Path.Combine(_folder.Path, "data", "attache.db")));
        await host.StopAsync(Token);
        await host.Services.GetRequiredService<PostgresDatabase>().DisposeAsync();
    }

    [Fact]
    public void The_embedded_provider_keeps_its_locks_in_process()
    {
        using var host = Build(("Attache:DataPath", Path.Combine(_folder.Path, "data")));

        Assert.IsType<ProcessLocks>(host.Services.GetRequiredService<IClusterLocks>());
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
