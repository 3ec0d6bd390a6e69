using System.Text.Json.Serialization;
using PhoneHub.Configuration;
using PhoneHub.Lookup;

namespace PhoneHub.Caching;

/// <summary>
/// How PhoneHub's cached values look in the shared (distributed) tier: compact JSON, written by source-generated code.
/// Derived properties (such as <see cref="PhoneConfig.Account"/>) are left out; they are worked out again on read.
/// Nothing secret is in these types: credentials live in the store only.
/// </summary>
[JsonSourceGenerationOptions(IgnoreReadOnlyProperties = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PhoneNumber))]
[JsonSerializable(typeof(CachedConfig))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
