using System.Text.Json.Serialization;
using Attache.Core.Documents;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary>The shapes kept as JSON columns. Property names are part of the stored format.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<AttributeDefinition>))]
[JsonSerializable(typeof(List<AclEntry>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;
