using System.Text.Json.Serialization;

namespace PhoneHub.Security;

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CredentialJsonContext : JsonSerializerContext;
