using Attache.Storage.Blobs.S3;
using Microsoft.Extensions.Options;

namespace Attache.Storage;

/// <summary>The <c>Attache</c> configuration section, as far as storage reads it.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Attache";

    /// <summary>Folder of the embedded stores; relative paths are made absolute against the working folder at start.</summary>
    public string DataPath { get; set; } = "./data";

    public MetadataStorageOptions Metadata { get; set; } = new();

    public BlobStorageOptions Blobs { get; set; } = new();

    public string BlobRoot => Path.Combine(DataPath, "blobs");

    public string MetadataConnectionString =>
        string.IsNullOrWhiteSpace(Metadata.ConnectionString) ? $"Data Source={Path.Combine(DataPath, "attache.db")}" : Metadata.ConnectionString;
}

public sealed class MetadataStorageOptions
{
    public string Provider { get; set; } = StorageProviders.Sqlite;

    public string? ConnectionString { get; set; }

    /// <summary>
    /// On PostgreSQL, uploads left in progress longer than this are marked failed at start; younger ones may belong to
    /// another node still receiving them. SQLite has one node, so every upload it finds in progress at start is dead.
    /// </summary>
    public TimeSpan StaleUploadAge { get; set; } = TimeSpan.FromDays(1);
}

public sealed class BlobStorageOptions
{
    public string Provider { get; set; } = StorageProviders.FileSystem;

    /// <summary>The <c>Attache:Blobs:S3</c> section, read when <see cref="Provider"/> is <c>S3</c>.</summary>
    public S3BlobStorageOptions S3 { get; set; } = new();
}

public static class StorageProviders
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
    public const string FileSystem = "FileSystem";
    public const string S3 = "S3";

    internal const string MetadataKey = "Attache:Metadata:Provider";
    internal const string BlobsKey = "Attache:Blobs:Provider";

    internal static string Unsupported(string key, string? value, string allowed, string planned) =>
        string.Equals(value, planned, StringComparison.OrdinalIgnoreCase)
            ? $"{key} is '{value}', which is not available in this build of Attache. Allowed values: {allowed}."
            : $"{key} is '{value}'. Allowed values: {allowed}.";

    internal static string UnsupportedMetadata(string? value) => $"{MetadataKey} is '{value}'. Allowed values: {Sqlite}, {Postgres}.";

    internal static string UnsupportedBlobs(string? value) => $"{BlobsKey} is '{value}'. Allowed values: {FileSystem}, {S3}.";
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            failures.Add("Attache:DataPath must name a folder.");
        }

        if (options.Metadata.Provider is not (StorageProviders.Sqlite or StorageProviders.Postgres))
        {
            failures.Add(StorageProviders.UnsupportedMetadata(options.Metadata.Provider));
        }
        else if (options.Metadata.Provider == StorageProviders.Postgres && string.IsNullOrWhiteSpace(options.Metadata.ConnectionString))
        {
            failures.Add("Attache:Metadata:ConnectionString must name the PostgreSQL database when Attache:Metadata:Provider is Postgres "
                + "(e.g. Host=db;Database=attache;Username=attache;Password=…).");
        }

        if (options.Metadata.StaleUploadAge < TimeSpan.Zero)
        {
            failures.Add("Attache:Metadata:StaleUploadAge must not be negative.");
        }

        if (options.Blobs.Provider == StorageProviders.S3)
        {
            failures.AddRange(options.Blobs.S3.Validate());
        }
        else if (options.Blobs.Provider != StorageProviders.FileSystem)
        {
            failures.Add(StorageProviders.UnsupportedBlobs(options.Blobs.Provider));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
