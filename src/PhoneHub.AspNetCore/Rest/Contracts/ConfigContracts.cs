using System.Text.Json.Serialization;
using PhoneHub.Configuration;
using PhoneHub.Providers;

namespace PhoneHub.AspNetCore.Rest.Contracts;

/// <summary>Body of <c>POST config</c> and <c>PUT config/{id}</c>. Credentials are not part of it: see <c>POST config/{id}/credentials</c>.</summary>
/// <remarks>On <c>PUT</c>, omitted fields keep their value and an empty string clears an optional one.</remarks>
internal sealed class ConfigWriteRequest
{
    /// <summary>A name for people.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The provider: <c>twilio</c>, <c>aws</c> or a custom provider's name.</summary>
    [JsonPropertyName("provider")]
    public string? Provider { get; init; }

    /// <summary>Whether the config is in use; activating one deactivates the group's other (the answer names it). Default false on create.</summary>
    [JsonPropertyName("is_active")]
    public bool? IsActive { get; init; }

    /// <summary>Create a system default (no group) instead of a config of the caller's group; needs <c>manage_groups</c>. Only on create.</summary>
    [JsonPropertyName("system_default")]
    public bool? SystemDefault { get; init; }

    /// <summary>
    /// The provider's settings, for example <c>{"from_number": "+14155550100"}</c> for Twilio or <c>{"region": "us-east-1"}</c>
    /// for AWS (see the provider's settings in the README). On <c>PUT</c> the settings named replace the stored ones, null or
    /// an empty string clears one, and settings not named keep their value.
    /// </summary>
    [JsonPropertyName("settings")]
    public Dictionary<string, string?>? Settings { get; init; }

    /// <summary>Whether lookups may call the provider. Default true.</summary>
    [JsonPropertyName("lookup_enabled")]
    public bool? LookupEnabled { get; init; }

    /// <summary>How many days a lookup stays fresh. Default 30.</summary>
    [JsonPropertyName("lookup_cache_days")]
    public int? LookupCacheDays { get; init; }

    /// <summary>When true nothing is sent to a provider. Default false.</summary>
    [JsonPropertyName("test_mode")]
    public bool? TestMode { get; init; }
}

/// <summary>A config as the routes show it: never its credentials, only whether it has them.</summary>
internal sealed record ConfigResponse
{
    /// <summary>The config id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>The owning group; null for a system default.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    /// <summary>Whether this is a system default (no group).</summary>
    [JsonPropertyName("system_default")]
    public bool SystemDefault { get; init; }

    /// <summary>A name for people.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Whether the config is in use.</summary>
    [JsonPropertyName("is_active")]
    public bool IsActive { get; init; }

    /// <summary>The provider.</summary>
    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    /// <summary>The provider's settings (never credentials).</summary>
    [JsonPropertyName("settings")]
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>The numbers, messaging services, accounts and topics this config claims (exclusive among active configs).</summary>
    [JsonPropertyName("identities")]
    public required IReadOnlyList<IdentityResponse> Identities { get; init; }

    /// <summary>Whether lookups may call the provider.</summary>
    [JsonPropertyName("lookup_enabled")]
    public bool LookupEnabled { get; init; }

    /// <summary>How many days a lookup stays fresh.</summary>
    [JsonPropertyName("lookup_cache_days")]
    public int LookupCacheDays { get; init; }

    /// <summary>Whether nothing is sent to a provider.</summary>
    [JsonPropertyName("test_mode")]
    public bool TestMode { get; init; }

    /// <summary>Whether encrypted credentials are stored.</summary>
    [JsonPropertyName("has_credentials")]
    public bool HasCredentials { get; init; }

    /// <summary>When it was created.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    /// <summary>When it last changed.</summary>
    [JsonPropertyName("modified")]
    public DateTimeOffset Modified { get; init; }

    /// <summary>On create and update: configs of the same group this write deactivated.</summary>
    [JsonPropertyName("deactivated_config_ids")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<long>? DeactivatedConfigIds { get; init; }

    public static ConfigResponse From(PhoneConfigWriteResult result) => From(result.Config) with { DeactivatedConfigIds = result.DeactivatedConfigIds };

    public static ConfigResponse From(PhoneConfig c) => new()
    {
        Id = c.Id,
        Group = c.Group,
        SystemDefault = c.Group is null,
        Name = c.Name,
        IsActive = c.IsActive,
        Provider = c.Provider,
        Settings = c.Settings,
        Identities = [.. c.Identities.Select(i => new IdentityResponse { Kind = i.Kind, Value = i.Value })],
        LookupEnabled = c.LookupEnabled,
        LookupCacheDays = c.LookupCacheDays,
        TestMode = c.TestMode,
        HasCredentials = c.HasCredentials,
        Created = c.Created,
        Modified = c.Modified,
    };
}

/// <summary>One identity of a config.</summary>
internal sealed class IdentityResponse
{
    /// <summary><c>phone_number</c>, <c>messaging_service</c>, <c>account</c> or <c>topic</c>.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>The value.</summary>
    [JsonPropertyName("value")]
    public required string Value { get; init; }
}

/// <summary>The configs the caller can see.</summary>
internal sealed class ConfigListResponse
{
    /// <summary>The configs, by id.</summary>
    [JsonPropertyName("items")]
    public required IReadOnlyList<ConfigResponse> Items { get; init; }
}

/// <summary>Answer of <c>POST config/{id}/test</c>.</summary>
internal sealed class ConnectionTestResponse
{
    /// <summary>Whether the provider accepted the config.</summary>
    [JsonPropertyName("success")]
    public bool Success { get; init; }

    /// <summary>A stable error code when it failed.</summary>
    [JsonPropertyName("error_code")]
    public string? ErrorCode { get; init; }

    /// <summary>A description for people.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>The account's status at the provider.</summary>
    [JsonPropertyName("account_status")]
    public string? AccountStatus { get; init; }

    /// <summary>The account's name at the provider.</summary>
    [JsonPropertyName("account_name")]
    public string? AccountName { get; init; }

    public static ConnectionTestResponse From(ConnectionTestResult r) => new()
    {
        Success = r.Success,
        ErrorCode = r.ErrorCode,
        Message = r.Message,
        AccountStatus = r.AccountStatus,
        AccountName = r.AccountName,
    };
}
