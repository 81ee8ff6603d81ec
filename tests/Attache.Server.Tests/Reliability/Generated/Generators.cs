using System.Globalization;
using System.Text;
using CsCheck;

namespace Attache.Server.Tests.Reliability.Generated;

/// <summary>CsCheck generators of hostile input: ids, file names, Range and conditional headers, multipart bodies, and
/// every route of the native API and the dialects, each with one of the world's credentials, good or bad.</summary>
internal sealed class Generators(GeneratedWorld world)
{
    private static readonly string[] Traversals =
    [
        "..", ".", "../", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%2e%2e%2f", "%c0%ae%c0%ae/", "..%5c..%5c", "..\\..\\", "%00", "\0",
        "/etc/passwd", "C:\\Windows\\win.ini", "%2F", "a%2Fb", "%252e%252e", "....//", ";", "%", "%zz", "~", "-1", "0",
        "99999999999999999999", "18446744073709551616", " ", "\t", "\r\n", "\u202E", "\uFEFF", "é", "e\u0301", "中文", "😀",
        "\uD800", "CON", "NUL", "aux.txt", ".hidden", "..hidden", "*", "?", "#", "&", "=", "+", "'", "\"", "<script>",
    ];

    private static readonly Gen<char> WildChar = Gen.Frequency(
        (6, Gen.Char['a', 'z']),
        (2, Gen.Char['0', '9']),
        (2, Gen.OneOf('.', '/', '\\', '%', '-', '_', '~', ' ', ':', ';', '"', '\'', '*', '?', '<', '>', '|', '&', '=', '+', '#')),
        (1, Gen.Char['\0', '\u001f']),
        (1, Gen.Char['\u0080', '\u00ff']),
        (1, Gen.OneOf('\u202E', '\u200B', '\uFEFF', 'é', 'ß', 'Ł', '中', '\uFFFD')));

    private static readonly Gen<string> WildText = Gen.String[WildChar, 0, 40];

    private readonly Gen<Credential> _credential = Gen.OneOf([.. world.Credentials]);

    /// <summary>
    /// Gives <paramref name="probes"/> the credential its route speaks three times in five, any other the rest of the time,
    /// so that most requests get past authentication to the parsing and authorization behind it.
    /// </summary>
    public Gen<Probe> WithCredentials(Gen<Probe> probes) => probes.SelectMany(probe =>
        Gen.Frequency((3, Gen.OneOf([.. world.CredentialsFor(probe.Path)])), (2, _credential)).Select(credential => probe with { Credential = credential }));

    /// <summary>An id: one that names something, a GUID in any spelling, a traversal, random text, or a long run.</summary>
    public Gen<string> Id => Gen.Frequency(
        (4, Gen.OneOf([.. world.KnownIds])),
        (2, Gen.Guid.SelectMany(guid => Gen.OneOf("N", "D", "B", "P").Select(format => guid.ToString(format, CultureInfo.InvariantCulture)))),
        (2, Gen.OneOf(GeneratedWorld.DictationCanaryId).SelectMany(id => Gen.OneOf("N", "D", "B", "P", "X").Select(format =>
            format == "X" ? id.ToUpperInvariant() : Guid.Parse(id).ToString(format, CultureInfo.InvariantCulture)))),
        (3, Gen.OneOf(Traversals)),
        (3, WildText),
        (1, Gen.Select(Gen.OneOf([.. world.KnownIds]), Gen.OneOf(Traversals), (known, tail) => known + tail)),
        (1, Gen.Select(Gen.OneOf(Traversals), Gen.OneOf([.. world.KnownIds]), (head, known) => head + "/" + known)),
        (1, Gen.Select(Gen.Char['a', 'z'], Gen.Int[129, 10_000], (c, n) => new string(c, n))));

    /// <summary>A path segment built from <see cref="Id"/>, escaped as a client would, or with its traversal characters left bare.</summary>
    public Gen<string> Segment => Gen.Select(Id, Gen.Bool, PathText.Segment);

    /// <summary>A file name carrying <see cref="GeneratedWorld.NameToken"/>, dressed as a path, a trick or a long name.</summary>
    public static Gen<string> FileName => Gen.Select(
        Gen.OneOf("", "../", "../../../../../../", "..\\..\\", "/tmp/", "/etc/", "C:\\fakepath\\", "./", "%2e%2e%2f", "blobs/", ".staging/", "~/", "\\\\server\\share\\"),
        WildText,
        Gen.OneOf(".txt", ".pdf", ".html", ".svg", ".exe%00.txt", ".jpg.php", ";filename*=UTF-8''evil.html", "; filename*", "\";x=.txt", "\r\nSet-Cookie: x=1", ".", " ", "...", "\u202Egpj.exe", ""),
        Gen.Int[0, 3],
        (prefix, text, suffix, longness) => prefix + GeneratedWorld.NameToken + text + (longness == 3 ? new string('n', 300) : "") + suffix);

    public static Gen<string?> RangeHeader => Gen.Frequency<string?>(
        (1, Gen.Const((string?)null)),
        (4, Gen.Int[1, 5].SelectMany(count => RangeSpec.Array[count]).Select(specs => (string?)("bytes=" + string.Join(",", specs)))),
        (1, Gen.OneOf<string?>(
            "bytes=0-18446744073709551615", "bytes=0-99999999999999999999", "bytes=-0", "bytes=-", "bytes=abc", "items=1-2", "BYTES=1-2",
            "bytes = 1-2", "bytes=1-2,", "bytes=,", "bytes=7-4", "bytes=--1", "bytes=1--2", "bytes=0-0,-1", "bytes=\u00e9-1", "bytes",
            "=", "bytes=0-" + new string('9', 400), string.Join(",", Enumerable.Repeat("bytes=0-", 3)),
            "bytes=" + string.Join(",", Enumerable.Repeat("0-", 200)), "bytes=" + string.Join(",", Enumerable.Range(0, 150).Select(i => $"{i * 3}-{(i * 3) + 1}")))),
        (1, WildText.Select(text => (string?)("bytes=" + text))));

    private static Gen<string> RangeSpec => Gen.Frequency(
        (3, Gen.Select(Gen.Int[-5, 1200], Gen.Int[-5, 1200], (a, b) => $"{a}-{b}")),
        (1, Gen.Int[-5, 1200].Select(a => $"{a}-")),
        (1, Gen.Int[-5, 1200].Select(b => $"-{b}")),
        (1, Gen.Long.Select(a => $"{a}-")));

    private Gen<string> ETagValue => Gen.Frequency(
        (3, Gen.Const(world.SamFileETag)),
        (1, Gen.Const("*")),
        (1, Gen.Const("W/" + world.SamFileETag)),
        (1, Gen.Const(world.SamFileETag.Trim('"'))),
        (1, Gen.Const(world.SamFileETag + ", \"other\"")),
        (2, WildText.Select(text => "\"" + text + "\"")),
        (1, WildText));

    private static Gen<string> DateValue => Gen.Frequency(
        (3, Gen.Int[-400_000_000, 400_000_000].Select(offset => new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero).AddSeconds(offset).ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "yesterday", "", "Sun, 22 Nov 2026 12:00:00 GMT", "2026-11-22T12:00:00Z")),
        (1, WildText));

    /// <summary>Zero to three conditional headers, each with a plausible or broken value.</summary>
    public Gen<(string, string)[]> Conditionals => Gen.Frequency(
        (1, Gen.Select(Gen.OneOf("If-Match", "If-None-Match"), ETagValue, (name, value) => (name, value))),
        (1, Gen.Select(Gen.OneOf("If-Modified-Since", "If-Unmodified-Since"), DateValue, (name, value) => (name, value))),
        (1, Gen.Select(Gen.Const("If-Range"), Gen.OneOf(ETagValue, DateValue), (name, value) => (name, value))))
        .Array[0, 3];

    /// <summary>Accept and Accept-Charset now and then, for the negotiating endpoints.</summary>
    private static Gen<(string, string)[]> Negotiation => Gen.Frequency(
        (3, Gen.Const(Array.Empty<(string, string)>())),
        (1, Gen.OneOf("text/plain", "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "*/*", "text/*;q=0", "application/json;q=x", "", ";;;", "text/plain;charset=utf-7")
            .Select(value => new[] { ("Accept", value) })),
        (1, Gen.OneOf("utf-16", "latin1", "ebcdic", "*;q=0", "utf-8;q=0, *;q=0", "x")
            .Select(value => new[] { ("Accept", "text/plain"), ("Accept-Charset", value) })));

    /// <summary>A request on any native or dialect route, with generated ids in every id position.</summary>
    public Gen<Probe> IdProbe => Gen.Select(Gen.Int[0, 33], Segment, Segment, Segment, Gen.Select(_credential, Negotiation), (route, a, b, c, extra) =>
    {
        var (method, path, body) = route switch
        {
            0 => ("GET", $"/v1/documents/{a}", null),
            1 => ("DELETE", $"/v1/documents/{a}", null),
            2 => ("PATCH", $"/v1/documents/{a}", "{\"title\":\"changed\"}"),
            3 => ("GET", $"/v1/documents/{a}/files", null),
            4 => ("GET", $"/v1/files/{a}", null),
            5 => ("GET", $"/v1/files/{a}/content", null),
            6 => ("HEAD", $"/v1/files/{a}/content", null),
            7 => ("GET", $"/v1/files/{a}/versions", null),
            8 => ("GET", $"/v1/files/{a}/versions/{b}/content", null),
            9 => ("POST", $"/v1/files/{a}/links", "{\"ttlSeconds\":60}"),
            10 => ("GET", $"/l/{a}", null),
            11 => ("DELETE", $"/v1/files/{a}", null),
            12 => ("GET", $"/v1/principals/{a}", null),
            13 => ("GET", $"/v1/files/{a}/editor-sessions", null),
            14 => ("GET", $"/v1/documents?owner={a}&cursor={b}&limit={c}", null),
            15 => ("GET", $"/SEEAppInterface/dms/dictations/{a}/{b}/attachment", null),
            16 => ("HEAD", $"/SEEAppInterface/dms/dictations/{a}/{b}/attachment", null),
            17 => ("GET", $"/SEEAppInterface/dms/dictations/{a}", null),
            18 => ("GET", $"/SEEAppInterface/dms/{a}/{b}", null),
            19 => ("GET", $"/rev/api/v1/attachments/{a}/content", null),
            20 => ("GET", $"/rev/api/v1/attachments/{a}/content.{b}", null),
            21 => ("GET", $"/rev/api/v1/attachments/{a}", null),
            22 => ("GET", $"/rev/api/v1/orders/{a}", null),
            23 => ("GET", $"/dynacase/api/documents/{a}/file/{b}", null),
            24 => ("GET", $"/dynacase/api/v1/documents/{a}/file/{b}/{c}", null),
            25 => ("GET", $"/dynacase/api/documents/{a}", null),
            26 => ("GET", $"/dynacase/file/{a}/{b}/{c}/fi_file/{a}", null),
            27 => ("GET", $"/chat/api/v1/messages/{a}/attachments", null),
            28 => ("GET", $"/chat/api/v1/attachments/{a}", null),
            29 => ("GET", $"/chat/api/v1/attachments/{a}/{b}", null),
            30 => ("GET", $"/chat/api/v1/attachments/{a}/thumbnail", null),
            31 => ("GET", $"/docapi/download/{a}", null),
            32 => ("POST", "/docapi/download", $"{{\"document_id\":{System.Text.Json.JsonSerializer.Serialize(Uri.UnescapeDataString(a))}}}"),
            _ => ("POST", "/docapi/get-document-details", $"{{\"document_id\":{System.Text.Json.JsonSerializer.Serialize(Uri.UnescapeDataString(b))}}}"),
        };
        return new Probe(method, path, extra.Item2, body is null ? null : Encoding.UTF8.GetBytes(body), body is null ? null : "application/json", extra.Item1);
    });

    /// <summary>A download on a readable or a canary's route with generated Range and conditional headers.</summary>
    public Gen<Probe> RangeProbe => Gen.Select(Gen.Int[0, 11], RangeHeader, Conditionals, Gen.Bool, _credential, (route, range, conditionals, head, credential) =>
    {
        var canary = world.Canaries[route % world.Canaries.Count];
        var path = route switch
        {
            0 or 1 or 2 => $"/v1/files/{world.SamFileId}/content",
            3 => $"/v1/files/{world.SamFileId}/versions/1/content",
            4 => $"/l/{world.SamLinkToken}",
            5 => $"/v1/files/{canary.FileId}/content",
            6 => "/dynacase/file/dyn-1001/dyn-file-1/-1/fi_file/hello.txt",
            7 => "/SEEAppInterface/dms/dictations/sarah/1ea29334-6008-41e4-8db5-0c88c14f6ac0/attachment",
            8 => "/rev/api/v1/attachments/rev-att-1/content",
            9 => "/chat/api/v1/attachments/77/photo.png",
            10 => $"/SEEAppInterface/dms/dictations/olivia/{GeneratedWorld.DictationCanaryId}/attachment",
            _ => $"/chat/api/v1/attachments/{canary.FileId}/x.txt",
        };
        var headers = range is null ? conditionals : [.. conditionals, ("Range", range)];
        return new Probe(head ? "HEAD" : "GET", path, headers, null, null, credential);
    });

    /// <summary>A raw upload whose name comes in the query or in Content-Disposition, into sam's document, a canary's, or a chat message.</summary>
    public Gen<Probe> NameProbe => Gen.Select(Gen.Int[0, 5], FileName, Segment, Gen.Int[0, 4], _credential, (route, name, slot, way, credential) =>
    {
        var target = route switch
        {
            0 or 1 or 2 => GeneratedWorld.SamUploads,
            3 => world.Canaries[0].DocumentId,
            _ => GeneratedWorld.SamDocument,
        };
        var escaped = Uri.EscapeDataString(name);
        var path = way switch
        {
            0 => $"/v1/documents/{target}/files/file?fileName={escaped}",
            1 => $"/v1/documents/{target}/files/{slot}?fileName={escaped}",
            2 => $"/v1/documents/{target}/files/file/{slot}",
            _ => $"/v1/documents/{target}/files/file",
        };
        var headers = way switch
        {
            2 or 3 => new[] { ("Content-Disposition", "attachment; filename=\"" + Latin1(name) + "\"; filename*=UTF-8''" + escaped) },
            4 => [("Content-Disposition", "attachment; filename=\"" + Latin1(name) + "\"; filename*")],
            _ => [],
        };
        return new Probe("PUT", path, headers, Encoding.UTF8.GetBytes("generated " + name), route == 5 ? "text/" + Latin1(name) : null, credential);
    });

    /// <summary>A multipart body with generated boundaries, part headers and names, whole or cut short.</summary>
    public Gen<Probe> MultipartProbe => Gen.Select(Gen.Int[0, 3], Boundary, Gen.Select(FileName, WildText, Gen.Int[0, 6]).Array[0, 4], Gen.Int[0, 5], Gen.Int[0, 400], _credential,
        (route, boundary, parts, shape, cut, credential) =>
        {
            var body = new StringBuilder();
            var newline = shape == 4 ? "\n" : "\r\n";
            foreach (var (name, formName, headerShape) in parts)
            {
                body.Append("--").Append(boundary).Append(newline);
                body.Append(headerShape switch
                {
                    0 => $"Content-Disposition: form-data; name=\"{formName}\"; filename=\"{name}\"",
                    1 => $"Content-Disposition: form-data; name=file; filename*=UTF-8''{Uri.EscapeDataString(name)}",
                    2 => $"Content-Disposition: form-data; name=\"{formName}\"",
                    3 => $"Content-Type: text/plain{newline}X-Long: {new string('h', 20_000)}",
                    4 => $"Content-Disposition: attachment; filename={name}{newline}Content-MD5: {formName}",
                    5 => $"Content-Disposition: form-data; name=\"{formName}\"; filename*" + (formName.Length % 2 == 0 ? "" : "=UTF-7''x"),
                    _ => formName,
                }).Append(newline).Append(newline);
                body.Append("part ").Append(name).Append(newline);
            }

            if (shape != 3)
            {
                body.Append("--").Append(boundary).Append("--").Append(newline);
            }

            var bytes = Encoding.UTF8.GetBytes(body.ToString());
            if (shape == 5)
            {
                bytes = bytes[..Math.Min(cut, bytes.Length)];
            }

            var contentType = shape switch
            {
                0 => "multipart/form-data",
                1 => "multipart/form-data; boundary=\"" + boundary + "\"",
                2 => "text/plain",
                _ => "multipart/form-data; boundary=" + boundary,
            };
            var path = route switch
            {
                0 or 1 => $"/v1/documents/{GeneratedWorld.SamUploads}/files",
                2 => $"/chat/api/v1/messages/{(cut % 2 == 0 ? "42" : GeneratedWorld.MessageCanaryId)}/attachments",
                _ => $"/v1/documents/{world.Canaries[0].DocumentId}/files",
            };
            return new Probe("POST", path, [], bytes, contentType, credential);
        });

    private static Gen<string> Boundary => Gen.Frequency(
        (4, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789'()+_,-./:=? "], 1, 70]),
        (1, Gen.Int[71, 300].Select(n => new string('b', n))),
        (1, WildText));

    /// <summary>Every dialect's paths with generated segments, methods and JSON bodies.</summary>
    public Gen<Probe> DialectProbe => Gen.Select(Gen.Int[0, 11], Segment, WildText, Gen.OneOf("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"), _credential,
        (route, segment, text, method, credential) =>
        {
            var path = route switch
            {
                0 => $"/SEEAppInterface/{segment}",
                1 => "/SEEAppInterface/dms/users",
                2 => "/SEEAppInterface/dms/dictations",
                3 => $"/rev/{segment}",
                4 => $"/rev/api/v1/{segment}/content",
                5 => $"/dynacase/{segment}",
                6 => $"/dynacase/api/v1/documents/{segment}.json",
                7 => $"/chat/{segment}",
                8 => $"/chat/api/v1/messages/{segment}/attachments",
                9 => $"/docapi/{segment}",
                10 => "/docapi/get-documents",
                _ => "/docapi/generate-client-auth-token",
            };
            var json = route is 10 or 11 or 9
                ? $"{{\"client_id\":{Json(text)},\"client_secret\":{Json(segment)},\"document_id\":{Json(text)},\"page\":{text.Length},\"user\":{{\"email\":{Json(text)}}}}}"
                : null;
            var body = method is "POST" or "PUT" or "PATCH" ? Encoding.UTF8.GetBytes(json ?? text) : null;
            return new Probe(method, path, [], body, body is null ? null : json is null ? "application/octet-stream" : "application/json", credential);
        });

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>The characters a header value may carry (Latin-1 without controls), others as <c>?</c>.</summary>
    private static string Latin1(string text) =>
        new([.. text.Select(c => c is >= ' ' and <= '\u00ff' and not '\u007f' ? c : '?')]);
}
