using System.Text.Json.Serialization;
using PhoneHub.Lookup;
using PhoneHub.Normalization;

namespace PhoneHub.AspNetCore.Rest.Contracts;

/// <summary>Body of <c>POST phone/normalize</c>.</summary>
internal sealed class NormalizeRequest
{
    /// <summary>The number as written.</summary>
    [JsonPropertyName("phone_number")]
    public string? PhoneNumber { get; init; }

    /// <summary>The ISO 3166-1 region for numbers written without a country code, for example <c>US</c>; by default the host's.</summary>
    [JsonPropertyName("country_code")]
    public string? CountryCode { get; init; }
}

/// <summary>Answer of <c>POST phone/normalize</c>.</summary>
internal sealed class NormalizeResponse
{
    /// <summary>The number in E.164.</summary>
    [JsonPropertyName("e164")]
    public required string E164 { get; init; }

    /// <summary>The ISO 3166-1 region of the number.</summary>
    [JsonPropertyName("region")]
    public required string Region { get; init; }

    /// <summary>The country calling code, without <c>+</c>.</summary>
    [JsonPropertyName("country_code")]
    public required string CountryCode { get; init; }

    /// <summary>The national significant number.</summary>
    [JsonPropertyName("national_number")]
    public required string NationalNumber { get; init; }

    /// <summary>The number as written within its country.</summary>
    [JsonPropertyName("national_format")]
    public required string NationalFormat { get; init; }

    /// <summary>The number as written from abroad.</summary>
    [JsonPropertyName("international_format")]
    public required string InternationalFormat { get; init; }

    /// <summary>The line type according to numbering-plan metadata.</summary>
    [JsonPropertyName("line_type")]
    public required string LineType { get; init; }

    /// <summary>The extension given with the input, if any.</summary>
    [JsonPropertyName("extension")]
    public string? Extension { get; init; }

    public static NormalizeResponse From(ParsedPhoneNumber parsed) => new()
    {
        E164 = parsed.E164,
        Region = parsed.RegionCode,
        CountryCode = parsed.CountryCallingCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        NationalNumber = parsed.NationalNumber,
        NationalFormat = parsed.NationalFormat,
        InternationalFormat = parsed.InternationalFormat,
        LineType = LineTypes.Of(parsed.Kind),
        Extension = parsed.Extension,
    };
}

/// <summary>Body of <c>POST phone/lookup</c>.</summary>
internal sealed class LookupRequest
{
    /// <summary>The number as written.</summary>
    [JsonPropertyName("phone_number")]
    public string? PhoneNumber { get; init; }

    /// <summary>Ask the provider even when the cached answer is fresh.</summary>
    [JsonPropertyName("force_refresh")]
    public bool ForceRefresh { get; init; }
}

/// <summary>Body of <c>POST phone</c> and <c>PUT phone/{id}</c>: the record's descriptive fields.</summary>
/// <remarks>On <c>PUT</c>, <see cref="PhoneNumber"/> must be absent or name the same number; omitted fields keep their value.</remarks>
internal sealed class PhoneNumberWriteRequest
{
    /// <summary>The number as written; normalized to E.164, which identifies the record.</summary>
    [JsonPropertyName("phone_number")]
    public string? PhoneNumber { get; init; }

    /// <summary>The region for a number written without a country code.</summary>
    [JsonPropertyName("country_code")]
    public string? CountryCode { get; init; }

    /// <summary>The carrier name.</summary>
    [JsonPropertyName("carrier")]
    public string? Carrier { get; init; }

    /// <summary>The line type, one of the lookup line types (for example <c>mobile</c>).</summary>
    [JsonPropertyName("line_type")]
    public string? LineType { get; init; }

    /// <summary>Whether it is a mobile line.</summary>
    [JsonPropertyName("is_mobile")]
    public bool? IsMobile { get; init; }

    /// <summary>Whether it is a VoIP line.</summary>
    [JsonPropertyName("is_voip")]
    public bool? IsVoip { get; init; }

    /// <summary>The registered caller name.</summary>
    [JsonPropertyName("caller_name")]
    public string? CallerName { get; init; }

    /// <summary><c>business</c> or <c>consumer</c>.</summary>
    [JsonPropertyName("caller_type")]
    public string? CallerType { get; init; }

    /// <summary>Street address line.</summary>
    [JsonPropertyName("address_street")]
    public string? AddressStreet { get; init; }

    /// <summary>City.</summary>
    [JsonPropertyName("address_city")]
    public string? AddressCity { get; init; }

    /// <summary>State or province.</summary>
    [JsonPropertyName("address_state")]
    public string? AddressState { get; init; }

    /// <summary>Postal code.</summary>
    [JsonPropertyName("address_postal_code")]
    public string? AddressPostalCode { get; init; }

    /// <summary>Country of the address.</summary>
    [JsonPropertyName("address_country")]
    public string? AddressCountry { get; init; }
}

/// <summary>A phone-number record of the shared cache.</summary>
internal sealed class PhoneNumberResponse
{
    /// <summary>The record id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>The number in E.164.</summary>
    [JsonPropertyName("phone_number")]
    public required string PhoneNumber { get; init; }

    /// <summary>The country calling code, without <c>+</c>.</summary>
    [JsonPropertyName("country_code")]
    public string? CountryCode { get; init; }

    /// <summary>The ISO 3166-1 region.</summary>
    [JsonPropertyName("region")]
    public string? Region { get; init; }

    /// <summary>The carrier name.</summary>
    [JsonPropertyName("carrier")]
    public string? Carrier { get; init; }

    /// <summary>The line type.</summary>
    [JsonPropertyName("line_type")]
    public string? LineType { get; init; }

    /// <summary>Whether it is a mobile line, when known.</summary>
    [JsonPropertyName("is_mobile")]
    public bool? IsMobile { get; init; }

    /// <summary>Whether it is a VoIP line, when known.</summary>
    [JsonPropertyName("is_voip")]
    public bool? IsVoip { get; init; }

    /// <summary>Whether the number is valid.</summary>
    [JsonPropertyName("is_valid")]
    public bool IsValid { get; init; }

    /// <summary>The registered caller name, when known.</summary>
    [JsonPropertyName("caller_name")]
    public string? CallerName { get; init; }

    /// <summary><c>business</c> or <c>consumer</c>, when known.</summary>
    [JsonPropertyName("caller_type")]
    public string? CallerType { get; init; }

    /// <summary>Street address line.</summary>
    [JsonPropertyName("address_street")]
    public string? AddressStreet { get; init; }

    /// <summary>City.</summary>
    [JsonPropertyName("address_city")]
    public string? AddressCity { get; init; }

    /// <summary>State or province.</summary>
    [JsonPropertyName("address_state")]
    public string? AddressState { get; init; }

    /// <summary>Postal code.</summary>
    [JsonPropertyName("address_postal_code")]
    public string? AddressPostalCode { get; init; }

    /// <summary>Country of the address.</summary>
    [JsonPropertyName("address_country")]
    public string? AddressCountry { get; init; }

    /// <summary>The provider that produced the data.</summary>
    [JsonPropertyName("lookup_provider")]
    public string? LookupProvider { get; init; }

    /// <summary>When the cached lookup stops being fresh.</summary>
    [JsonPropertyName("lookup_expires_at")]
    public DateTimeOffset? LookupExpiresAt { get; init; }

    /// <summary>How many provider lookups were made.</summary>
    [JsonPropertyName("lookup_count")]
    public int LookupCount { get; init; }

    /// <summary>When a provider was last asked.</summary>
    [JsonPropertyName("last_lookup_at")]
    public DateTimeOffset? LastLookupAt { get; init; }

    /// <summary>When the record was created.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    /// <summary>When the record last changed.</summary>
    [JsonPropertyName("modified")]
    public DateTimeOffset Modified { get; init; }

    public static PhoneNumberResponse From(PhoneNumber n) => new()
    {
        Id = n.Id,
        PhoneNumber = n.E164,
        CountryCode = n.CountryCode,
        Region = n.Region,
        Carrier = n.Carrier,
        LineType = n.LineType,
        IsMobile = n.IsMobile,
        IsVoip = n.IsVoip,
        IsValid = n.IsValid,
        CallerName = n.CallerName,
        CallerType = n.CallerType switch
        {
            Lookup.CallerType.Business => "business",
            Lookup.CallerType.Consumer => "consumer",
            _ => null,
        },
        AddressStreet = n.AddressStreet,
        AddressCity = n.AddressCity,
        AddressState = n.AddressState,
        AddressPostalCode = n.AddressPostalCode,
        AddressCountry = n.AddressCountry,
        LookupProvider = n.LookupProvider,
        LookupExpiresAt = n.LookupExpiresAt,
        LookupCount = n.LookupCount,
        LastLookupAt = n.LastLookupAt,
        Created = n.Created,
        Modified = n.Modified,
    };
}

/// <summary>One page of a listing.</summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class PageResponse<T>
{
    /// <summary>The items on this page.</summary>
    [JsonPropertyName("items")]
    public required IReadOnlyList<T> Items { get; init; }

    /// <summary>How many items match in all.</summary>
    [JsonPropertyName("total_count")]
    public long TotalCount { get; init; }

    /// <summary>How many matching items come before this page.</summary>
    [JsonPropertyName("offset")]
    public int Offset { get; init; }

    /// <summary>The page size.</summary>
    [JsonPropertyName("limit")]
    public int Limit { get; init; }
}
