using System.CommandLine;
using System.Data.Common;
using Amazon.Runtime;
using System.Diagnostics;
using Attache.Storage.Migration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Attache.Cli;

/// <summary>
/// <c>attache migrate</c>: copies one install's stores into another's, as two configuration files name them (the
/// server's <c>Attache</c> section: <c>DataPath</c>, <c>Metadata</c>, <c>Blobs</c>). It runs beside the stores, not
/// through a server.
/// </summary>
internal static class MigrateCommand
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var source = new Option<FileInfo?>("--source") { Description = "JSON configuration of the install to copy (as appsettings.json)" };
        var sourceData = new Option<DirectoryInfo?>("--source-data") { Description = "The embedded install's data folder (attache.db, blobs/), instead of --source" };
        var target = new Option<FileInfo>("--target") { Description = "JSON configuration of the install to fill, e.g. Postgres metadata and S3 blobs; ATTACHE_TARGET__Attache__… variables override it", Required = true };
        var force = new Option<bool>("--force") { Description = "Merge into a target that already holds another install's data" };

        var command = new Command("migrate", "Copy an install's metadata and blobs into another store (e.g. SQLite + folder to PostgreSQL + S3), verifying every blob's SHA-256; safe to re-run")
        {
            source, sourceData, target, force,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(source) is null) == (result.GetValue(sourceData) is null))
            {
                result.AddError("give exactly one of --source and --source-data");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            if (parsed.GetValue(sourceData) is { } data && !File.Exists(Path.Combine(data.FullName, "attache.db")))
            {
                // Opening it would create an empty database there, and "migrate" nothing.
                await error.WriteLineAsync($"attache: {data.FullName} holds no attache.db; --source-data is an embedded install's data folder");
                return 1;
            }

            var sourceConfiguration = parsed.GetValue(sourceData) is { } folder
                ? new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Attache:DataPath"] = folder.FullName }).Build()
                : Load(parsed.GetValue(source)!, "ATTACHE_SOURCE__");
            var targetConfiguration = Load(parsed.GetRequiredValue(target), "ATTACHE_TARGET__");

            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            var progress = new SynchronousProgress(step =>
            {
                if (step.Done == step.Total || clock.Elapsed - lastReport >= ProgressEvery)
                {
                    lastReport = clock.Elapsed;
                    error.WriteLine($"{step.Stage}: {step.Done}/{step.Total}");
                }
            });

            MigrationReport report;
            try
            {
                report = await new StoreMigrator(sourceConfiguration, targetConfiguration).RunAsync(parsed.GetValue(force), progress, cancellationToken);
            }
            catch (MigrationTargetNotEmptyException exception)
            {
                await error.WriteLineAsync($"attache: {exception.Message}");
                return 2;
            }
            catch (Exception exception) when (exception is InvalidOperationException or OptionsValidationException or DbException or AmazonServiceException)
            {
                // A configuration that names no usable store, or a store that refuses: the reason, not a stack trace.
                await error.WriteLineAsync($"attache: {exception.Message}");
                return 1;
            }

            await output.WriteLineAsync(
                $"rows {report.Rows}, blobs copied {report.BlobsCopied}, already there {report.BlobsAlreadyThere}, bytes {report.Bytes}, corrupt {report.CorruptBlobs.Count}, in {clock.Elapsed.TotalSeconds:0.0} s");
            foreach (var corrupt in report.CorruptBlobs)
            {
                await error.WriteLineAsync($"attache: blob {corrupt}");
            }

            return report.CorruptBlobs.Count == 0 ? 0 : 1;
        });
        return command;
    }

    private static IConfigurationRoot Load(FileInfo file, string environmentPrefix)
    {
        if (!file.Exists)
        {
            throw new IOException($"{file.FullName} does not exist");
        }

        return new ConfigurationBuilder()
            .AddJsonFile(file.FullName, optional: false)
            .AddEnvironmentVariables(environmentPrefix)
            .Build();
    }

    /// <summary>Reports on the migrating thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<MigrationProgress> report) : IProgress<MigrationProgress>
    {
        public void Report(MigrationProgress value) => report(value);
    }
}
