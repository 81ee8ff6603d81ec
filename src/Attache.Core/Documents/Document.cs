namespace Attache.Core.Documents;

public sealed record Document
{
    public required string Id { get; init; }

    public string Kind { get; init; } = DocumentKinds.Generic;

    public string Title { get; init; } = "";

    public required string Owner { get; init; }

    public string? State { get; init; }

    public string? Folder { get; init; }

    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<AttributeDefinition> Attributes { get; init; } = [];

    public IReadOnlyList<AclEntry> Acl { get; init; } = [];

    /// <summary>Set for a URL-based document, which has no bytes of its own.</summary>
    public string? SourceUrl { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Modified { get; init; }

    public DateTimeOffset? Deleted { get; init; }

    /// <summary>How many times the record was written; 0 for one never stored. See <see cref="Ports.IMetadataStore"/>.</summary>
    public long Revision { get; init; }

    public bool IsDeleted => Deleted is not null;
}

public static class DocumentKinds
{
    public const string Generic = "generic";
}

/// <summary>A declared attribute of a document's schema, e.g. a file attribute <c>fi_file</c>.</summary>
public sealed record AttributeDefinition(string Id, string Type, bool Multiple, string Visibility);

/// <summary>Grants permissions to one principal or to one group; exactly one of the two is set.</summary>
public sealed record AclEntry(string? Principal, string? Group, IReadOnlyList<string> Permissions);

public static class Permissions
{
    public const string View = "view";
    public const string Edit = "edit";
    public const string Delete = "delete";
    public const string Admin = "admin";

    /// <summary>
    /// Adding a new file to a document without touching what it holds: implied by <see cref="Edit"/>, and all that a
    /// chat room's members get on its messages besides <see cref="View"/>. Never named in an ACL.
    /// </summary>
    public const string Attach = "attach";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { View, Edit, Delete, Admin };
}
