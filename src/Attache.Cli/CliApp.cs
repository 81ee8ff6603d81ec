using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Attache.Client;

namespace Attache.Cli;

/// <summary>The <c>attache</c> command: verbs that call the server's native API through <see cref="AttacheClient"/>.</summary>
internal static class CliApp
{
    public const string ServerVariable = "ATTACHE_SERVER";
    public const string ApiKeyVariable = "ATTACHE_API_KEY";
    private const int ExitFailure = 1;
    private static readonly JsonSerializerOptions Pretty = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Builds the command tree; <paramref name="connect"/> makes the client for a server address and key.</summary>
    public static RootCommand Build(Func<Uri, string?, AttacheClient> connect)
    {
        var server = new Option<string>("--server")
        {
            Description = $"Attache's address (default: ${ServerVariable}, else http://127.0.0.1:8080)",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } url ? url : "http://127.0.0.1:8080",
        };
        server.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                result.AddError("--server must be an absolute http or https URL, such as http://127.0.0.1:8080");
            }
        });
        var apiKey = new Option<string?>("--api-key")
        {
            Description = $"API key (default: ${ApiKeyVariable})",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ApiKeyVariable),
        };

        var root = new RootCommand("attache: store documents and files in an Attache server, and fetch them back");
        root.Options.Add(server);
        root.Options.Add(apiKey);
        root.Subcommands.Add(UploadCommand(Client));
        root.Subcommands.Add(DownloadCommand(Client));
        root.Subcommands.Add(ImportCommand(Client));
        root.Subcommands.Add(MigrateCommand.Create());
        return root;

        AttacheClient Client(ParseResult parsed) => connect(new Uri(parsed.GetRequiredValue(server)), parsed.GetValue(apiKey));
    }

    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // Without this, System.CommandLine's own handler catches the exceptions below first and prints stack traces.
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await root.Parse(args).InvokeAsync(configuration, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitFailure;
        }
        catch (AttacheException exception)
        {
            await error.WriteLineAsync($"attache: {exception.Message}");
            return ExitFailure;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"attache: {exception.Message}");
            return ExitFailure;
        }
    }

    private static Command UploadCommand(Func<ParseResult, AttacheClient> client)
    {
        var path = new Argument<FileInfo>("path") { Description = "The file to upload" };
        var document = new Option<string>("--document", "-d") { Description = "Id of the document to upload into", Required = true };
        var slot = new Option<string>("--slot") { Description = "Slot of the document", DefaultValueFactory = _ => "file" };
        var index = new Option<int?>("--index") { Description = "Index within the slot (default: 0; an occupied index gets a new version)" };
        var name = new Option<string?>("--name") { Description = "File name to store (default: the local name)" };
        var mediaType = new Option<string?>("--media-type") { Description = "Media type (default: guessed by the server from the name)" };
        var create = new Option<bool>("--create") { Description = "Create the document when it does not exist" };

        var command = new Command("upload", "Upload a file into a document's slot, verified by its SHA-256") { path, document, slot, index, name, mediaType, create };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var file = parsed.GetRequiredValue(path);
            var documentId = parsed.GetRequiredValue(document);
            var attache = client(parsed);
            if (parsed.GetValue(create) && await attache.FindDocumentAsync(documentId, cancellationToken) is null)
            {
                await attache.CreateDocumentAsync(new NewAttacheDocument(Id: documentId, Title: file.Name), cancellationToken);
            }

            await using var content = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
            content.Position = 0;
            await using var progress = new ProgressStream(content, content.Length, parsed.InvocationConfiguration.Error, "uploaded");
            var stored = await attache.UploadAsync(
                documentId, progress, parsed.GetValue(name) ?? file.Name, parsed.GetRequiredValue(slot), parsed.GetValue(index),
                parsed.GetValue(mediaType), sha256, cancellationToken);
            await parsed.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(stored, Pretty));
            return 0;
        });
        return command;
    }

    private static Command DownloadCommand(Func<ParseResult, AttacheClient> client)
    {
        var fileId = new Argument<string>("file-id") { Description = "Id of the file to download" };
        var output = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Where to write it, replacing what is there (default: the stored file name in the current folder)",
        };
        var force = new Option<bool>("--force") { Description = "Without -o, replace a file that already has the stored name" };

        var command = new Command("download", "Download the current version of a file, checking its SHA-256") { fileId, output, force };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var attache = client(parsed);
            var id = parsed.GetRequiredValue(fileId);
            var chosen = parsed.GetValue(output)?.FullName;

            // A name the server chose must not silently replace a local file; a name the user chose may.
            var overwrite = chosen is not null || parsed.GetValue(force);
            var target = chosen ?? Path.GetFullPath(SafeLocalName((await attache.GetFileAsync(id, cancellationToken)).FileName));
            if (!overwrite && Path.Exists(target))
            {
                await parsed.InvocationConfiguration.Error.WriteLineAsync(
                    $"attache: {target} already exists; use --force to replace it, or -o to choose another name");
                return ExitFailure;
            }

            var partial = target + ".partial";
            try
            {
                DownloadedFile downloaded;
                await using (var destination = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                await using (var progress = new ProgressStream(destination, null, parsed.InvocationConfiguration.Error, "downloaded"))
                {
                    downloaded = await attache.DownloadAsync(id, progress, cancellationToken);
                }

                File.Move(partial, target, overwrite);
                await parsed.InvocationConfiguration.Output.WriteLineAsync($"{target} {downloaded.Length} bytes sha256 {downloaded.Sha256}");
                return 0;
            }
            finally
            {
                File.Delete(partial);
            }
        });
        return command;
    }

    private static Command ImportCommand(Func<ParseResult, AttacheClient> client)
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "The import manifest (JSON); path contents are relative to it" };

        var command = new Command("import", "Import documents and files from a manifest, idempotently (admin only)") { manifest };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var report = await client(parsed).ImportAsync(parsed.GetRequiredValue(manifest), cancellationToken);
            await parsed.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(report, Pretty));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// A server-supplied name never chooses a folder, only its last segment is used, and never makes a hidden file
    /// (<c>.bashrc</c> becomes <c>bashrc</c>).
    /// </summary>
    internal static string SafeLocalName(string name)
    {
        var last = Path.GetFileName(name.Replace('\\', '/')).TrimStart('.');
        return string.IsNullOrWhiteSpace(last) ? "download" : last;
    }
}
