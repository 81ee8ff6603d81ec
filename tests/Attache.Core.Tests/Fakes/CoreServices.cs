using Attache.Core.Audit;
using Attache.Core.Cluster;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Links;
using Attache.Core.Principals;
using Attache.Core.Renditions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Attache.Core.Tests.Fakes;

/// <summary>The core services wired over the in-memory ports and a fake clock, as AddAttacheCore wires them.</summary>
internal sealed class CoreServices : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    public CoreServices(long maxBytes = UploadLimits.DefaultMaxBytes)
    {
        Limits = new UploadLimits { MaxBytes = maxBytes };
        Janitor = new BlobJanitor(Metadata, Blobs, RenditionStore, Locks);
        Audit = new AuditTrail(AuditLog, Clock);
        Documents = new DocumentService(Metadata, Janitor, Audit, Clock);
        Files = new FileService(Metadata, Blobs, Janitor, Documents, Limits, Audit, Clock, NullLogger<FileService>.Instance);
        Downloads = new DownloadService(Metadata, Files);
        Signer = new HmacLinkSigner(KeyRing);
        Links = new LinkService(Metadata, Files, Signer, LinkLifetimes, Audit, Clock);
        Renditions = new RenditionService(
            Metadata, Blobs, RenditionStore, Renderer, Janitor, Locks, Files, Downloads, Clock, NullLogger<RenditionService>.Instance);
    }

    /// <summary>Two keys, <c>k2</c> signing, so a token of either verifies.</summary>
    public static LinkKeyRing KeyRing { get; } = new(
        new Dictionary<string, byte[]> { ["k1"] = Enumerable.Repeat((byte)1, 32).ToArray(), ["k2"] = Enumerable.Repeat((byte)2, 32).ToArray() }, "k2");

    public RecordingAuditLog AuditLog { get; } = new();

    public AuditTrail Audit { get; }

    public LinkLifetimes LinkLifetimes { get; } = new();

    public HmacLinkSigner Signer { get; }

    public LinkService Links { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    public InMemoryMetadataStore Metadata { get; } = new();

    public InMemoryBlobStore Blobs { get; } = new();

    public InMemoryRenditionStore RenditionStore { get; } = new();

    public FakeRenderer Renderer { get; } = new();

    public UploadLimits Limits { get; }

    public ProcessLocks Locks { get; } = new();

    public BlobJanitor Janitor { get; }

    public DocumentService Documents { get; }

    public FileService Files { get; }

    public DownloadService Downloads { get; }

    public RenditionService Renditions { get; }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public async Task<Document> CreateAsync(NewDocument input, Caller? caller = null)
    {
        var created = await Documents.CreateAsync(caller ?? Callers.Admin, input, Token);
        Assert.Null(created.Failure);
        return created.Value;
    }

    public async Task<StoredFile> UploadAsync(string documentId, byte[] content, string fileName = "data.bin", string slot = "file", int? index = null, Caller? caller = null)
    {
        using var stream = new MemoryStream(content);
        var uploaded = await Files.UploadAsync(caller ?? Callers.Admin, new UploadRequest(documentId, slot, index, fileName, null, stream), Token);
        Assert.Null(uploaded.Failure);
        return uploaded.Value;
    }

    public void Dispose()
    {
    }
}

internal static class Callers
{
    public static readonly Caller Admin = Caller.Admin();

    public static readonly Caller Owner = new("alice", false, new HashSet<string>());

    /// <summary>Named in the ACL of <see cref="Acl.Shared"/> with view only.</summary>
    public static readonly Caller Viewer = new("bob", false, new HashSet<string>());

    /// <summary>Member of the group <c>legal</c>, which <see cref="Acl.Shared"/> grants view and edit.</summary>
    public static readonly Caller GroupMember = new("carol", false, new HashSet<string> { "legal" });

    public static readonly Caller Stranger = new("mallory", false, new HashSet<string> { "sales" });
}

internal static class Acl
{
    public static readonly IReadOnlyList<AclEntry> Shared =
    [
        new("bob", null, [Permissions.View]),
        new(null, "legal", [Permissions.View, Permissions.Edit]),
    ];
}

/// <summary>A request body that delivers some bytes and then fails, like a client that goes away mid-upload.</summary>
internal sealed class BrokenStream(int bytesBeforeFailure) : Stream
{
    private int _left = bytesBeforeFailure;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_left == 0)
        {
            throw new IOException("The client went away.");
        }

        var n = Math.Min(_left, buffer.Length);
        buffer[..n].Fill(0x2A);
        _left -= n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
