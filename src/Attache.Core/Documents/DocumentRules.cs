namespace Attache.Core.Documents;

internal static class DocumentRules
{
    private const int MaxTitleLength = 1024;
    private const int MaxProperties = 256;
    private const int MaxPropertyKeyLength = 128;
    private const int MaxPropertyValueLength = 8192;
    private const int MaxWordLength = 64;

    public static Failure.Invalid? Validate(Document document)
    {
        if (!IsWord(document.Kind))
        {
            return new Failure.Invalid("kind must be 1 to 64 letters, digits, '_' or '-'.", "kind");
        }

        if (!Ids.IsValidId(document.Owner))
        {
            return new Failure.Invalid("owner is not a valid principal name.", "owner");
        }

        if (document.Title.Length > MaxTitleLength || document.Title.Any(char.IsControl))
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

        if (document.Properties.Count > MaxProperties)
        {
            return new Failure.Invalid($"at most {MaxProperties} properties are allowed.", "properties");
        }

        foreach (var (key, value) in document.Properties)
        {
            if (key.Length is 0 or > MaxPropertyKeyLength || key.Any(char.IsControl))
            {
                return new Failure.Invalid($"property names must be 1 to {MaxPropertyKeyLength} characters without control characters.", "properties");
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

        foreach (var entry in document.Acl)
        {
            if ((entry.Principal is null) == (entry.Group is null))
            {
                return new Failure.Invalid("each ACL entry names exactly one of principal or group.", "acl");
            }

            if (entry.Permissions.Any(p => !Permissions.All.Contains(p)))
            {
                return new Failure.Invalid("ACL permissions are view, edit, delete and admin.", "acl");
            }
        }

        foreach (var attribute in document.Attributes)
        {
            if (!Ids.IsValidSlot(attribute.Id))
            {
                return new Failure.Invalid($"attribute id '{attribute.Id}' is not valid.", "attributes");
            }
        }

        return null;
    }

    private static bool IsWord(string value) =>
        value.Length is > 0 and <= MaxWordLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
