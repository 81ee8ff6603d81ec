using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Principals;

namespace Attache.Core.Import;

/// <summary>
/// Reads a manifest (DESIGN §4) with <see cref="JsonDocument"/> and checks all of it, collecting every error with its JSON
/// path instead of stopping at the first, so that nothing is written unless the whole manifest is right.
/// </summary>
internal sealed class ManifestParser
{
    private const int MaxSecretLength = 1024;
    private const int MaxMediaTypeLength = 255;
    private static readonly string[] TopFields = ["principals", "serverApiKeys", "documents"];
    private static readonly string[] PrincipalFields = ["name", "displayName", "kind", "groups", "email", "password", "apiKeys", "clientId", "clientSecret", "enabled"];
    private static readonly string[] DocumentFields =
        ["id", "kind", "title", "owner", "state", "folder", "properties", "deleted", "sourceUrl", "attributes", "acl", "files"];
    private static readonly string[] AttributeFields = ["id", "type", "multiple", "visibility"];
    private static readonly string[] AclFields = ["principal", "group", "permissions"];
    private static readonly string[] FileFields = ["id", "slot", "index", "fileName", "mediaType", "removed", "state", "content"];
    private static readonly string[] ContentFields = ["text", "base64", "path"];
    private static readonly HashSet<string> StateNames = new(Enum.GetNames<UploadState>(), StringComparer.Ordinal);

    private readonly List<ManifestError> _errors = [];
    private readonly Dictionary<string, List<string>> _paths = new(StringComparer.Ordinal);
    private readonly string _caller;
    private readonly ImportOptions _options;

    private ManifestParser(string caller, ImportOptions options)
    {
        _caller = caller;
        _options = options;
    }

    /// <summary>The outcome of reading a manifest.</summary>
    /// <param name="Manifest">Everything that could be read; complete only when <paramref name="Errors"/> is empty.</param>
    /// <param name="Errors">Every problem found, in document order.</param>
    /// <param name="Paths">Each <c>path</c> content, with the JSON paths of the contents that name it.</param>
    /// <param name="IsJson">False when the bytes are not JSON at all, so nothing else could be checked.</param>
    public sealed record Result(
        ImportManifest Manifest, IReadOnlyList<ManifestError> Errors, IReadOnlyDictionary<string, List<string>> Paths, bool IsJson);

    public static Result Parse(ReadOnlyMemory<byte> json, string caller, ImportOptions options)
    {
        var parser = new ManifestParser(caller, options);

        // JsonDocument checks UTF-8 only when a string is read, and then throws; a manifest is checked whole, up front.
        if (InvalidUtf8Offset(json.Span) is { } offset)
        {
            return new Result(
                new ImportManifest([]),
                [new ManifestError("$", string.Create(CultureInfo.InvariantCulture, $"the manifest is not valid UTF-8 (byte {offset})"))],
                parser._paths,
                false);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException exception)
        {
            var where = exception.Path is { Length: > 0 } path ? path : "$";
            return new Result(new ImportManifest([]), [new ManifestError(where, $"not valid JSON: {exception.Message}")], parser._paths, false);
        }

        using (document)
        {
            var manifest = parser.ReadManifest(document.RootElement);
            return new Result(manifest, parser._errors, parser._paths, true);
        }
    }

    private ImportManifest ReadManifest(JsonElement root)
    {
        const string path = "$";
        if (!Object(root, path, TopFields))
        {
            return new ImportManifest([]);
        }

        var principals = Array(root, path, "principals") is { } principalArray
            ? ReadPrincipals(principalArray, Child(path, "principals"))
            : [];
        var serverKeys = Strings(root, path, "serverApiKeys") ?? [];
        for (var i = 0; i < serverKeys.Count; i++)
        {
            CheckSecret(serverKeys[i], $"{Child(path, "serverApiKeys")}[{i}]");
        }

        var documents = new List<ManifestDocument>();
        if (Array(root, path, "documents") is { } array)
        {
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                if (ReadDocument(element, $"{Child(path, "documents")}[{index}]") is { } document)
                {
                    documents.Add(document);
                }

                index++;
            }
        }

        CheckDuplicates(documents);
        return new ImportManifest(documents) { Principals = principals, ServerApiKeys = serverKeys.Distinct(StringComparer.Ordinal).ToList() };
    }

    private List<ManifestPrincipal> ReadPrincipals(JsonElement principals, string path)
    {
        var read = new List<ManifestPrincipal>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var clientIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var emails = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var principal in principals.EnumerateArray())
        {
            var at = $"{path}[{index++}]";
            if (!Object(principal, at, PrincipalFields))
            {
                continue;
            }

            var errorsBefore = _errors.Count;
            var input = new NewPrincipal(
                String(principal, at, "name"),
                String(principal, at, "displayName"),
                String(principal, at, "kind"),
                Strings(principal, at, "groups"),
                String(principal, at, "password"),
                String(principal, at, "email"),
                String(principal, at, "clientId"),
                String(principal, at, "clientSecret"),
                Bool(principal, at, "enabled"));
            var apiKeys = Strings(principal, at, "apiKeys") ?? [];
            if (_errors.Count > errorsBefore)
            {
                continue;
            }

            if (PrincipalRules.Check(input) is { } invalid)
            {
                Error(Child(at, invalid.Field), invalid.Message);
                continue;
            }

            if (!names.TryAdd(input.Name!, at))
            {
                Error(Child(at, "name"), $"principal '{input.Name}' is also defined at {names[input.Name!]}");
            }

            if (input.ClientId is { } clientId && !clientIds.TryAdd(clientId, at))
            {
                Error(Child(at, "clientId"), $"client id '{clientId}' is also given at {clientIds[clientId]}");
            }

            // The store compares e-mail addresses as SQLite's NOCASE does: ASCII letters in either case.
            if (input.Email is { } email && !emails.TryAdd(AsciiLower(email), at))
            {
                Error(Child(at, "email"), $"e-mail '{email}' is also given at {emails[AsciiLower(email)]}");
            }

            for (var i = 0; i < apiKeys.Count; i++)
            {
                var keyPath = $"{Child(at, "apiKeys")}[{i}]";
                if (CheckSecret(apiKeys[i], keyPath) && !keys.TryAdd(apiKeys[i], keyPath) && keys[apiKeys[i]] is var first)
                {
                    Error(keyPath, $"this API key is also given at {first}");
                }
            }

            read.Add(new ManifestPrincipal(at, input, apiKeys));
        }

        return read;
    }

    private static string AsciiLower(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] + ('a' - 'A')) : source[i];
        }
    });

    private bool CheckSecret(string secret, string path)
    {
        if (secret.Length is > 0 and <= MaxSecretLength && !secret.Any(char.IsControl))
        {
            return true;
        }

        Error(path, $"an API key is 1–{MaxSecretLength} characters with no control characters");
        return false;
    }

    private ManifestDocument? ReadDocument(JsonElement element, string path)
    {
        if (!Object(element, path, DocumentFields))
        {
            return null;
        }

        var errorsBefore = _errors.Count;
        var id = String(element, path, "id");
        if (id is null)
        {
            if (!element.TryGetProperty("id", out _))
            {
                Error(Child(path, "id"), "required, so that importing again updates this document instead of adding another");
            }
        }
        else if (!Ids.IsValidId(id))
        {
            Error(Child(path, "id"), InvalidId("document", id));
        }

        var document = new Document
        {
            Id = id ?? "",
            Kind = String(element, path, "kind") ?? DocumentKinds.Generic,
            Title = String(element, path, "title") ?? "",
            Owner = String(element, path, "owner") ?? _caller,
            State = String(element, path, "state"),
            Folder = String(element, path, "folder"),
            Properties = Properties(element, path),
            SourceUrl = String(element, path, "sourceUrl"),
            Attributes = Attributes(element, path),
            Acl = Acl(element, path),
            Created = DateTimeOffset.UnixEpoch,
            Modified = DateTimeOffset.UnixEpoch,
        };
        var deleted = Bool(element, path, "deleted") ?? false;

        if (_errors.Count == errorsBefore && DocumentRules.Validate(document) is { } invalid)
        {
            // The rules name a field as "kind", "acl[0].permissions" or "properties.<any key>".
            const string properties = "properties.";
            Error(
                invalid.Field.StartsWith(properties, StringComparison.Ordinal)
                    ? Child(Child(path, "properties"), invalid.Field[properties.Length..])
                    : $"{path}.{invalid.Field}",
                invalid.Message);
        }

        var files = new List<ManifestFile>();
        if (Array(element, path, "files") is { } array)
        {
            var index = 0;
            foreach (var file in array.EnumerateArray())
            {
                if (ReadFile(file, $"{Child(path, "files")}[{index}]") is { } read)
                {
                    files.Add(read);
                }

                index++;
            }
        }

        return new ManifestDocument(path, document, deleted, files);
    }

    private ManifestFile? ReadFile(JsonElement element, string path)
    {
        if (!Object(element, path, FileFields))
        {
            return null;
        }

        var id = String(element, path, "id");
        if (id is not null && !Ids.IsValidId(id))
        {
            Error(Child(path, "id"), InvalidId("file", id));
        }

        var slot = String(element, path, "slot") ?? FileService.DefaultSlot;
        if (!Ids.IsValidSlot(slot))
        {
            Error(Child(path, "slot"), $"the slot must be 1 to {Ids.MaxSlotLength} letters, digits, '_' or '-'");
        }

        var index = 0;
        if (Property(element, "index") is { } indexElement)
        {
            if (indexElement.ValueKind != JsonValueKind.Number || !indexElement.TryGetInt32(out index) || !Ids.IsValidIndex(index))
            {
                Error(Child(path, "index"), $"expected a whole number from 0 to {Ids.MaxIndex}");
            }
        }

        var fileName = FileNames.Default;
        var rawName = String(element, path, "fileName");
        if (!FileNames.Sanitize(rawName).TryGetValue(out var sanitized, out var failure))
        {
            Error(Child(path, "fileName"), failure.Message);
        }
        else
        {
            fileName = sanitized;
        }

        var mediaType = String(element, path, "mediaType");
        if (mediaType is not null && !IsMediaType(mediaType))
        {
            Error(Child(path, "mediaType"), "expected a media type such as text/plain");
        }

        var state = UploadState.ReadyForDownloadFromServerToClient;
        if (String(element, path, "state") is { } stateName)
        {
            if (StateNames.Contains(stateName))
            {
                state = Enum.Parse<UploadState>(stateName);
            }
            else
            {
                Error(Child(path, "state"), $"'{Printable(stateName)}' is not an upload state; use one of {string.Join(", ", StateNames)}");
            }
        }

        var removed = Bool(element, path, "removed") ?? false;
        var content = Content(element, Child(path, "content"));
        return content is null
            ? null
            : new ManifestFile(path, id, slot, index, fileName, mediaType ?? Guess(fileName), removed, state, content);
    }

    private ManifestContent? Content(JsonElement file, string path)
    {
        if (!file.TryGetProperty("content", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            Error(path, "required: one of {\"text\": …}, {\"base64\": …} or {\"path\": …}");
            return null;
        }

        if (!Object(element, path, ContentFields))
        {
            return null;
        }

        var given = ContentFields.Where(name => Property(element, name) is not null).ToList();
        if (given.Count != 1)
        {
            Error(path, "exactly one of text, base64 or path");
            return null;
        }

        var value = String(element, path, given[0]);
        if (value is null)
        {
            return null;
        }

        switch (given[0])
        {
            case "text":
                return new ManifestContent.Inline(Encoding.UTF8.GetBytes(value));
            case "base64":
                try
                {
                    return new ManifestContent.Inline(Convert.FromBase64String(value));
                }
                catch (FormatException)
                {
                    Error(Child(path, "base64"), "not valid base64");
                    return null;
                }

            default:
                if (value.Length == 0)
                {
                    Error(Child(path, "path"), "expected a file path relative to the manifest");
                    return null;
                }

                if (!_options.AllowPathContent)
                {
                    Error(Child(path, "path"), "path content needs the file sent along: use multipart");
                    return null;
                }

                if (!_paths.TryGetValue(value, out var users))
                {
                    _paths[value] = users = [];
                }

                users.Add(Child(path, "path"));
                return new ManifestContent.FromPath(value);
        }
    }

    private Dictionary<string, string> Properties(JsonElement element, string path)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Property(element, "properties") is not { } map)
        {
            return properties;
        }

        var at = Child(path, "properties");
        if (map.ValueKind != JsonValueKind.Object)
        {
            Error(at, "expected an object of strings");
            return properties;
        }

        foreach (var property in map.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                Error(Child(at, property.Name), "expected a string");
            }
            else if (!properties.TryAdd(property.Name, property.Value.GetString()!))
            {
                Error(Child(at, property.Name), "given twice");
            }
        }

        return properties;
    }

    private List<AttributeDefinition> Attributes(JsonElement element, string path)
    {
        var attributes = new List<AttributeDefinition>();
        if (Array(element, path, "attributes") is not { } array)
        {
            return attributes;
        }

        var index = 0;
        foreach (var attribute in array.EnumerateArray())
        {
            var at = $"{Child(path, "attributes")}[{index++}]";
            if (!Object(attribute, at, AttributeFields))
            {
                continue;
            }

            var id = Required(attribute, at, "id");
            var type = Required(attribute, at, "type");
            var multiple = Bool(attribute, at, "multiple") ?? false;
            var visibility = String(attribute, at, "visibility") ?? "W";
            if (id is not null && type is not null)
            {
                attributes.Add(new AttributeDefinition(id, type, multiple, visibility));
            }
        }

        return attributes;
    }

    private List<AclEntry> Acl(JsonElement element, string path)
    {
        var entries = new List<AclEntry>();
        if (Array(element, path, "acl") is not { } array)
        {
            return entries;
        }

        var index = 0;
        foreach (var entry in array.EnumerateArray())
        {
            var at = $"{Child(path, "acl")}[{index++}]";
            if (Object(entry, at, AclFields))
            {
                entries.Add(new AclEntry(String(entry, at, "principal"), String(entry, at, "group"), Strings(entry, at, "permissions") ?? []));
            }
        }

        return entries;
    }

    private void CheckDuplicates(List<ManifestDocument> documents)
    {
        var documentIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var fileIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            if (document.Document.Id.Length > 0 && !documentIds.TryAdd(document.Document.Id, document.Path))
            {
                Error(Child(document.Path, "id"), $"document id '{document.Document.Id}' is also used at {documentIds[document.Document.Id]}");
            }

            var places = new Dictionary<(string, int), string>();
            foreach (var file in document.Files)
            {
                if (file.Id is { } id && !fileIds.TryAdd(id, file.Path))
                {
                    Error(Child(file.Path, "id"), $"file id '{id}' is also used at {fileIds[id]}");
                }

                if (!places.TryAdd((file.Slot, file.Index), file.Path))
                {
                    Error(file.Path, $"slot '{file.Slot}' index {file.Index} is also used at {places[(file.Slot, file.Index)]}");
                }
            }
        }
    }

    /// <summary>Checks that the element is an object whose fields are all known and given once.</summary>
    private bool Object(JsonElement element, string path, string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, "expected an object");
            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                Error(Child(path, property.Name), $"unknown field '{Printable(property.Name)}'; known here: {string.Join(", ", known)}");
            }
            else if (!seen.Add(property.Name))
            {
                Error(Child(path, property.Name), "given twice");
            }
        }

        return true;
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private string? String(JsonElement element, string path, string name)
    {
        if (Property(element, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(Child(path, name), "expected a string");
            return null;
        }

        return value.GetString();
    }

    private string? Required(JsonElement element, string path, string name)
    {
        var value = String(element, path, name);
        if (value is null && Property(element, name) is null)
        {
            Error(Child(path, name), "required");
        }

        return value;
    }

    private bool? Bool(JsonElement element, string path, string name)
    {
        if (Property(element, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(Child(path, name), "expected true or false");
            return null;
        }

        return value.GetBoolean();
    }

    private JsonElement? Array(JsonElement element, string path, string name)
    {
        if (Property(element, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(Child(path, name), "expected an array");
            return null;
        }

        return value;
    }

    private List<string>? Strings(JsonElement element, string path, string name)
    {
        if (Array(element, path, name) is not { } array)
        {
            return null;
        }

        var values = new List<string>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                values.Add(item.GetString()!);
            }
            else
            {
                Error($"{Child(path, name)}[{index}]", "expected a string");
            }

            index++;
        }

        return values;
    }

    private string Guess(string fileName) => _options.GuessMediaType?.Invoke(fileName) ?? FileService.DefaultMediaType;

    private void Error(string path, string message) => _errors.Add(new ManifestError(path, message));

    /// <summary>JSONPath of a member: <c>$.a.b</c>, or <c>$.a['odd name']</c> when the name is not a plain identifier.</summary>
    internal static string Child(string path, string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? $"{path}.{name}"
            : $"{path}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static int? InvalidUtf8Offset(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return null;
        }

        var offset = 0;
        while (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    private static bool IsMediaType(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return value.Length <= MaxMediaTypeLength && slash > 0 && slash < value.Length - 1
            && !value.Any(c => char.IsControl(c) || c > '\x7e') && value.Trim().Length == value.Length;
    }

    private static string InvalidId(string what, string id) =>
        $"'{Printable(id)}' is not a valid {what} id: use 1 to {Ids.MaxIdLength} letters, digits, '.', '_', '~' or '-', not starting with '.'";

    private static string Printable(string raw) =>
        string.Create(CultureInfo.InvariantCulture, $"{new string(raw.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray())}{(raw.Length > 40 ? "…" : "")}");
}
