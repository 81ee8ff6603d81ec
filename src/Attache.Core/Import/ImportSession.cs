using System.Runtime.InteropServices;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Microsoft.Extensions.Logging;

namespace Attache.Core.Import;

/// <summary>
/// One import in progress: a checked manifest, the <c>path</c> contents received so far, and the errors found so far.
/// Not thread-safe. Disposing it deletes every staged blob that was not committed.
/// </summary>
public sealed class ImportSession : IAsyncDisposable
{
    private readonly ImportService _service;
    private readonly Caller _caller;
    private readonly ImportManifest _manifest;
    private readonly IReadOnlyDictionary<string, List<string>> _paths;
    private readonly bool _isJson;
    private readonly List<ManifestError> _errors;
    private readonly Dictionary<string, StagedBlob?> _received = new(StringComparer.Ordinal);
    private readonly List<StagedBlob> _staged = [];

    internal ImportSession(ImportService service, Caller caller, ManifestParser.Result parsed, List<ManifestError> errors)
    {
        _service = service;
        _caller = caller;
        _manifest = parsed.Manifest;
        _paths = parsed.Paths;
        _isJson = parsed.IsJson;
        _errors = errors;
    }

    /// <summary>The <c>path</c> contents the manifest refers to, each of which must arrive once.</summary>
    public IReadOnlyCollection<string> ReferencedPaths => _paths.Keys.ToList();

    /// <summary>
    /// Takes the bytes of the <c>path</c> content named <paramref name="path"/>, streaming them into the blob store while
    /// the manifest is error-free so far. A path no file refers to, or one sent twice, is recorded as an error.
    /// Answers <see cref="Failure.TooLarge"/> when the bytes exceed the upload limit.
    /// </summary>
    public async Task<Failure?> AddPathContentAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(content);
        if (!_isJson)
        {
            return null;
        }

        var where = $"parts['{path}']";
        if (!_paths.ContainsKey(path))
        {
            _errors.Add(new ManifestError(where, "no file content of the manifest refers to this part"));
            return null;
        }

        if (!_received.TryAdd(path, null))
        {
            _errors.Add(new ManifestError(where, "sent more than once"));
            return null;
        }

        if (_errors.Count > 0)
        {
            return null;
        }

        var staging = await _service.Blobs.StageAsync(content, _service.Limits.MaxBytes, cancellationToken);
        if (!staging.TryGetValue(out var staged, out var failure))
        {
            return failure;
        }

        _staged.Add(staged);
        _received[path] = staged;
        return null;
    }

    /// <summary>
    /// Reports every error found, or stages the inline contents and writes all documents, files and versions in one
    /// transaction. Answers <see cref="Failure.InvalidManifest"/>, <see cref="Failure.TooLarge"/>, or
    /// <see cref="Failure.Conflict"/> when a concurrent change took a slot or a version number first.
    /// </summary>
    public async Task<Outcome<ImportReport>> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_isJson)
        {
            foreach (var (path, users) in _paths)
            {
                if (!_received.ContainsKey(path))
                {
                    _errors.AddRange(users.Select(user => new ManifestError(user, $"no part named '{path}' was sent with the manifest")));
                }
            }
        }

        if (_errors.Count > 0)
        {
            return new Failure.InvalidManifest(
                _errors.Count == 1 ? "The manifest has 1 error; nothing was imported." : $"The manifest has {_errors.Count} errors; nothing was imported.",
                _errors.ToList());
        }

        var bytes = new Dictionary<ManifestFile, StagedBlob>(ReferenceEqualityComparer.Instance);
        foreach (var file in _manifest.Documents.SelectMany(d => d.Files))
        {
            if (file.Content is ManifestContent.FromPath fromPath)
            {
                bytes[file] = _received[fromPath.RelativePath]!;
                continue;
            }

            var inline = (ManifestContent.Inline)file.Content;
            await using var stream = ReadOnlyStream(inline.Bytes);
            var staging = await _service.Blobs.StageAsync(stream, _service.Limits.MaxBytes, cancellationToken);
            if (!staging.TryGetValue(out var staged, out var failure))
            {
                return failure;
            }

            _staged.Add(staged);
            bytes[file] = staged;
        }

        var (batch, report, used) = await PlanAsync(bytes, cancellationToken);
        if (batch.IsEmpty)
        {
            return report;
        }

        var metadata = _service.Metadata;
        var recorded = await _service.Janitor.CommitAllAsync(used, () => metadata.ImportAsync(batch, CancellationToken.None), cancellationToken);
        if (!recorded)
        {
            return new Failure.Conflict("Another change took a slot or a version number the import needed; nothing was imported. Try again.");
        }

        _service.Logger.LogInformation(
            "{Caller} imported {Principals} principal(s), {Documents} document(s) and {Files} file(s), {Bytes} new bytes",
            _caller.Name, batch.Principals.Count, batch.Documents.Count, batch.Files.Count, report.BytesStored);
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var staged in _staged)
        {
            await staged.DisposeAsync();
        }

        _staged.Clear();
    }

    private async Task<(ImportBatch Batch, ImportReport Report, IReadOnlyCollection<StagedBlob> Used)> PlanAsync(
        Dictionary<ManifestFile, StagedBlob> bytes, CancellationToken cancellationToken)
    {
        var metadata = _service.Metadata;
        var now = _service.Time.GetUtcNow();
        var namedIds = _manifest.Documents.SelectMany(d => d.Files).Select(f => f.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var documents = new List<Document>();
        var files = new List<ImportedFile>();
        var used = new HashSet<StagedBlob>(ReferenceEqualityComparer.Instance);
        int documentsCreated = 0, documentsUpdated = 0, documentsUnchanged = 0;
        int filesCreated = 0, filesWithNewVersion = 0, filesUpdated = 0, filesUnchanged = 0;
        long bytesStored = 0;

        foreach (var entry in _manifest.Documents)
        {
            var existing = await metadata.FindDocumentAsync(entry.Document.Id, cancellationToken);
            var desired = entry.Document with
            {
                Created = existing?.Created ?? now,
                Modified = existing?.Modified ?? now,
                Deleted = entry.Deleted ? existing?.Deleted ?? now : null,
                Revision = existing?.Revision ?? 0,
            };
            if (existing is null)
            {
                documents.Add(desired);
                documentsCreated++;
            }
            else if (Same(existing, desired))
            {
                documentsUnchanged++;
            }
            else
            {
                documents.Add(desired with { Modified = now });
                documentsUpdated++;
            }

            foreach (var file in entry.Files)
            {
                var staged = bytes[file];
                var stored = file.Id is { } id
                    ? await metadata.FindFileAsync(id, cancellationToken)
                    : await metadata.FindFileInSlotAsync(entry.Document.Id, file.Slot, file.Index, cancellationToken);
                var fileId = stored?.Id ?? file.Id ?? await NewFileIdAsync(namedIds, cancellationToken);
                var wanted = new StoredFile
                {
                    Id = fileId,
                    DocumentId = entry.Document.Id,
                    Slot = file.Slot,
                    Index = file.Index,
                    FileName = file.FileName,
                    MediaType = file.MediaType,
                    State = file.State,
                    CurrentVersion = stored?.CurrentVersion,
                    Size = stored?.Size ?? 0,
                    Sha256 = stored?.Sha256 ?? "",
                    Md5 = stored?.Md5 ?? "",
                    HasThumbnail = stored?.HasThumbnail ?? false,
                    Created = stored?.Created ?? now,
                    Modified = stored?.Modified ?? now,
                    Removed = file.Removed ? stored?.Removed ?? now : null,
                    Revision = stored?.Revision ?? 0,
                };

                // The name and media type live in each version too, so a change of either is a new version of the same bytes.
                var needsVersion = stored?.CurrentVersion is null || stored.Sha256 != staged.Sha256
                    || stored.FileName != file.FileName || stored.MediaType != file.MediaType;
                if (needsVersion)
                {
                    var versions = stored is null ? [] : await metadata.ListVersionsAsync(stored.Id, cancellationToken);
                    var version = FileVersions.Next(versions, fileId, staged, file.FileName, file.MediaType, now, _caller.Name);
                    files.Add(new ImportedFile(
                        wanted.PointingAt(version, now),
                        version));
                    used.Add(staged);
                    bytesStored += staged.Size;
                    if (stored is null)
                    {
                        filesCreated++;
                    }
                    else
                    {
                        filesWithNewVersion++;
                    }
                }
                else if (wanted == stored)
                {
                    filesUnchanged++;
                }
                else
                {
                    files.Add(new ImportedFile(wanted with { Modified = now }, null));
                    filesUpdated++;
                }
            }
        }

        var (principals, keys, serverKeys, principalCounts) = await PlanPrincipalsAsync(now, cancellationToken);
        var report = new ImportReport(
            documentsCreated, documentsUpdated, documentsUnchanged, filesCreated, filesWithNewVersion, filesUpdated, filesUnchanged, bytesStored,
            principalCounts.Created, principalCounts.Updated, principalCounts.Unchanged);
        return (new ImportBatch(documents, files) { Principals = principals, ApiKeys = keys, ServerApiKeys = serverKeys }, report, used);
    }

    /// <summary>
    /// Principals as the manifest wants them. A secret that the stored hash already matches keeps that hash, and a secret
    /// the manifest leaves out keeps the stored one, so importing twice changes nothing.
    /// </summary>
    private async Task<(List<ImportedPrincipal> Principals, List<ApiKeyRecord> Keys, List<ServerApiKeyRecord> ServerKeys, (int Created, int Updated, int Unchanged) Counts)>
        PlanPrincipalsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var store = _service.Principals;
        var credentials = _service.Credentials;
        var principals = new List<ImportedPrincipal>();
        var keys = new List<ApiKeyRecord>();
        int created = 0, updated = 0, unchanged = 0;
        foreach (var entry in _manifest.Principals)
        {
            var input = entry.Input;
            var existing = await store.FindAsync(input.Name!, cancellationToken);
            var desired = new Principal
            {
                Name = input.Name!,
                DisplayName = input.DisplayName ?? existing?.DisplayName ?? input.Name!,
                Kind = input.Kind ?? PrincipalKinds.User,
                Groups = input.Groups?.Distinct(StringComparer.Ordinal).ToList() ?? existing?.Groups ?? [],
                Enabled = input.Enabled ?? existing?.Enabled ?? true,
                Email = input.Email ?? existing?.Email,
                PasswordHash = Rehash(existing?.PasswordHash, input.Password),
                ClientId = input.ClientId,
                ClientSecretHash = input.ClientId is null ? null : Rehash(existing?.ClientSecretHash, input.ClientSecret),
                Created = existing?.Created ?? now,
                Modified = existing?.Modified ?? now,
            };
            if (existing is null)
            {
                principals.Add(new ImportedPrincipal(desired, true));
                created++;
            }
            else if (Same(existing, desired))
            {
                unchanged++;
            }
            else
            {
                principals.Add(new ImportedPrincipal(desired with { Modified = now }, false));
                updated++;
            }

            var held = existing is null ? [] : (await store.ListApiKeysAsync(existing.Name, cancellationToken)).Select(k => k.Sha256).ToHashSet(StringComparer.Ordinal);
            foreach (var key in entry.ApiKeys)
            {
                var hash = Credentials.Sha256Hex(key);
                if (held.Add(hash))
                {
                    // The id comes from the hash, so the same key imported again is recognised as the same key.
                    keys.Add(new ApiKeyRecord(hash[..16], desired.Name, hash, now));
                }
            }
        }

        var serverKeys = new List<ServerApiKeyRecord>();
        foreach (var key in _manifest.ServerApiKeys)
        {
            var hash = Credentials.Sha256Hex(key);
            if (!await store.IsServerApiKeyAsync(hash, cancellationToken))
            {
                serverKeys.Add(new ServerApiKeyRecord(hash, now));
            }
        }

        return (principals, keys, serverKeys, (created, updated, unchanged));

        string? Rehash(string? storedHash, string? secret) =>
            secret is null ? storedHash : credentials.VerifyPassword(storedHash, secret) ? storedHash : credentials.HashPassword(secret);
    }

#pragma warning disable RS0030 // Groups compared in order; they are names, not secrets (the hashes go through SameSecret).
    private static bool Same(Principal a, Principal b) =>
        a.Name == b.Name && a.DisplayName == b.DisplayName && a.Kind == b.Kind && a.Groups.SequenceEqual(b.Groups, StringComparer.Ordinal)
        && a.Enabled == b.Enabled && a.Email == b.Email && SameSecret(a.PasswordHash, b.PasswordHash) && a.ClientId == b.ClientId
        && SameSecret(a.ClientSecretHash, b.ClientSecretHash);
#pragma warning restore RS0030

    // Both absent is the same; otherwise stored hashes are compared as the secrets they stand for.
    private static bool SameSecret(string? a, string? b) => a is null || b is null ? a == b : Secrets.EqualText(a, b);

    /// <summary>A generated id that neither the store nor the manifest uses.</summary>
    private async Task<string> NewFileIdAsync(HashSet<string> named, CancellationToken cancellationToken)
    {
        while (true)
        {
            var id = await _service.Metadata.NextFileIdAsync(cancellationToken);
            if (!named.Contains(id) && await _service.Metadata.FindFileAsync(id, cancellationToken) is null)
            {
                named.Add(id);
                return id;
            }
        }
    }

#pragma warning disable RS0030 // Attributes and ACL permissions compared in order; no secret among them.
    private static bool Same(Document a, Document b) =>
        a.Id == b.Id && a.Kind == b.Kind && a.Title == b.Title && a.Owner == b.Owner && a.State == b.State && a.Folder == b.Folder
        && a.SourceUrl == b.SourceUrl && a.Deleted == b.Deleted
        && a.Properties.Count == b.Properties.Count
        && a.Properties.All(p => b.Properties.TryGetValue(p.Key, out var value) && value == p.Value)
        && a.Attributes.SequenceEqual(b.Attributes)
        && a.Acl.Count == b.Acl.Count
        && a.Acl.Zip(b.Acl).All(pair => pair.First.Principal == pair.Second.Principal && pair.First.Group == pair.Second.Group
            && pair.First.Permissions.SequenceEqual(pair.Second.Permissions, StringComparer.Ordinal));
#pragma warning restore RS0030

    /// <summary>A read-only stream over memory the manifest already holds, so inline bytes are not copied again.</summary>
    private static MemoryStream ReadOnlyStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
