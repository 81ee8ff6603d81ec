using System.Globalization;

namespace Attache.Core.Documents;

internal static class DocumentRules
{
    private const int MaxTitleLength = 1024;
    private const int MaxProperties = 256;
    private const int MaxPropertyKeyLength = 128;
    private const int MaxPropertyValueLength = 8192;
    private const int MaxWordLength = 64;

    /// <summary>Dynacase's attribute visibilities: hidden, read-only, read-write, write-only, invisible, static, fixed rows.</summary>
    private static readonly string[] Visibilities = ["H", "R", "W", "O", "I", "S", "U"];

    public static Failure.Invalid? Validate(Document document)
    {
        if (document.Kind is null || !IsWord(document.Kind))
        {
            return new Failure.Invalid("kind must be 1 to 64 letters, digits, '_' or '-'.", "kind");
        }

        if (!Ids.IsValidId(document.Owner))
        {
            return new Failure.Invalid("owner is not a valid principal name.", "owner");
        }

        if (document.Title is null || document.Title.Length > MaxTitleLength || document.Title.Any(char.IsControl))
        {
            return new Failure.Invalid($"title must be at most {MaxTitleLength} characters without control characters.", "title");
        }

        if (document.State is not null && !IsWord(document.State))
        {
            return new Failure.Invalid("state must be 1 to 64 letters, digits, '_' or '-'.", "state");
        }

        if (document.Folder is not null && !IsWord(document.Folder))
        {
            return new Failure.Invalid("folder must be 1 to 64 letters, digits, '_' or '-'.", "folder");
        }

        var properties = document.Properties ?? new Dictionary<string, string>();
        if (properties.Count > MaxProperties)
        {
            return new Failure.Invalid($"at most {MaxProperties} properties are allowed.", "properties");
        }

        foreach (var (key, value) in properties)
        {
            if (key.Length is 0 or > MaxPropertyKeyLength || key.Any(char.IsControl))
            {
                return new Failure.Invalid($"property names must be 1 to {MaxPropertyKeyLength} characters without control characters.", "properties");
            }

            if (value is null)
            {
                return new Failure.Invalid($"property '{key}' must be a string.", $"properties.{key}");
            }

            if (value.Length > MaxPropertyValueLength)
            {
                return new Failure.Invalid($"property '{key}' is longer than {MaxPropertyValueLength} characters.", $"properties.{key}");
            }
        }

        if (document.SourceUrl is not null
            && (!Uri.TryCreate(document.SourceUrl, UriKind.Absolute, out var source) || source.Scheme is not ("http" or "https")))
        {
            return new Failure.Invalid("sourceUrl must be an absolute http or https URL.", "sourceUrl");
        }

        return ValidateAcl(document.Acl ?? []) ?? ValidateAttributes(document.Attributes ?? []);
    }

    // Callers outside the server (and the server's JSON binding) can hand in nulls the types do not admit: each is
    // reported as invalid input naming its place, never dereferenced.
    private static Failure.Invalid? ValidateAcl(IReadOnlyList<AclEntry> acl)
    {
        for (var i = 0; i < acl.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"acl[{i}]");
            if (acl[i] is not { } entry)
            {
                return new Failure.Invalid("each ACL entry must be an object.", field);
            }

            if ((entry.Principal is null) == (entry.Group is null))
            {
                return new Failure.Invalid("each ACL entry names exactly one of principal or group.", field);
            }

            if (entry.Permissions is null)
            {
                return new Failure.Invalid("each ACL entry needs its permissions, a list of view, edit, delete and admin.", field + ".permissions");
            }

            if (entry.Permissions.Any(p => p is null || !Permissions.All.Contains(p)))
            {
                return new Failure.Invalid("ACL permissions are view, edit, delete and admin.", field + ".permissions");
            }
        }

        return null;
    }

    private static Failure.Invalid? ValidateAttributes(IReadOnlyList<AttributeDefinition> attributes)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"attributes[{i}]");
            if (attributes[i] is not { } attribute)
            {
                return new Failure.Invalid("each attribute must be an object with id, type and visibility.", field);
            }

            if (!Ids.IsValidSlot(attribute.Id))
            {
                return new Failure.Invalid(
                    $"each attribute needs an id of 1 to {Ids.MaxSlotLength} letters, digits, '_' or '-'.", field + ".id");
            }

            if (attribute.Type is null || !IsWord(attribute.Type))
            {
                return new Failure.Invalid($"attribute '{attribute.Id}' needs a type of 1 to 64 letters, digits, '_' or '-'.", field + ".type");
            }

            if (attribute.Visibility is null || !Visibilities.Contains(attribute.Visibility))
            {
                return new Failure.Invalid(
                    $"attribute '{attribute.Id}' needs a visibility, one of {string.Join(", ", Visibilities)}.", field + ".visibility");
            }
        }

        return null;
    }

    private static bool IsWord(string value) =>
        value.Length is > 0 and <= MaxWordLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
