using System.Text;
using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Rendering;
using Attache.Server.Api;
using Attache.Server.Auth;
using Attache.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Fuzz;

/// <summary>
/// The native multipart upload (<c>POST /v1/documents/{id}/files</c>) behind routing and authentication: the real
/// core on real SQLite and a real blob folder. Input: the <c>Content-Type</c> header value, a line feed, then the body
/// (no line feed: all body, under a fixed boundary). The answer is 201 or a problem with a 4xx status; an exception
/// or a 5xx is a crash.
/// </summary>
public sealed class MultipartTarget : IFuzzTarget, IDisposable
{
    public const string TargetName = "multipart";

    /// <summary>Where the store lives; the fuzz runner points it at its own scratch folder.</summary>
    public const string DataVariable = "ATTACHE_FUZZ_DATA";

    public const string DefaultContentType = "multipart/form-data; boundary=fuzz";

    /// <summary>Small, so that the upload limit is within the reach of fuzzed bodies.</summary>
    private const long MaxFileBytes = 4096;

    private readonly IHost _host;
    private readonly string _dataPath;
    private readonly bool _ownsData;
    private readonly FileService _files;
    private readonly System.Security.Claims.ClaimsPrincipal _user =
        PrincipalClaims.Create("fuzz-admin", isAdmin: true, [], "Fuzz");
    private readonly string _documentId;

    public MultipartTarget()
    {
        var configured = Environment.GetEnvironmentVariable(DataVariable);
        _ownsData = string.IsNullOrEmpty(configured);
        _dataPath = _ownsData ? Directory.CreateTempSubdirectory("attache-fuzz-").FullName : configured!;

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Attache:DataPath"] = _dataPath });
        builder.Logging.SetMinimumLevel(LogLevel.None);
        builder.Services.AddSingleton(new UploadLimits { MaxBytes = MaxFileBytes });
        builder.Services.AddAttacheCore();
        builder.Services.AddAttacheStorage(builder.Configuration);
        builder.Services.AddAttacheRendering(builder.Configuration);
        _host = builder.Build();
        FuzzTargets.Wait(_host.StartAsync());

        _files = _host.Services.GetRequiredService<FileService>();
        var documents = _host.Services.GetRequiredService<DocumentService>();
        var created = FuzzTargets.Wait(documents.CreateAsync(PrincipalClaims.ToCaller(_user), new NewDocument(Title: "fuzz"), CancellationToken.None));
        _documentId = created.Value.Id;
    }

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input) => Upload(input);

    /// <summary>The status of the answer to this input, checked: 201, or a problem with a 4xx status.</summary>
    public int Upload(ReadOnlySpan<byte> input)
    {
        var newline = input.IndexOf((byte)'\n');
        var contentType = newline < 0 ? DefaultContentType : Encoding.Latin1.GetString(input[..newline]).TrimEnd('\r');
        var body = newline < 0 ? input : input[(newline + 1)..];

        var http = new DefaultHttpContext { User = _user };
        http.Request.Method = HttpMethods.Post;
        http.Request.ContentType = contentType;
        http.Request.ContentLength = body.Length;
        http.Request.Body = new MemoryStream(body.ToArray(), writable: false);

        var answer = FuzzTargets.Wait(NativeUploads.UploadMultipartAsync(_documentId, http.Request, http, _files, CancellationToken.None));
        switch (answer.Result)
        {
            case Created<FileListModel> created:
                FuzzTargets.Require(created.Value is { Items.Count: > 0 }, "201 with no file");
                return created.StatusCode;
            case ProblemHttpResult problem:
                FuzzTargets.Require(problem.StatusCode is >= 400 and < 500, $"{problem.StatusCode}: {problem.ProblemDetails.Detail}");
                return problem.StatusCode;
            default:
                throw new BrokenInvariantException($"unexpected answer {answer.Result}");
        }
    }

    public void Dispose()
    {
        FuzzTargets.Wait(_host.StopAsync());
        _host.Dispose();
        if (_ownsData)
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
