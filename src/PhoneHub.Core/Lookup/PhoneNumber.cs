namespace PhoneHub.Lookup;

/// <summary>
/// What is known about one phone number: the shared, global lookup cache entry (one per E.164 number, across
/// every group, because a carrier answer does not depend on who asked).
/// </summary>
public sealed record PhoneNumber
{
    /// <summary>Store identifier.</summary>
    public long Id { get; init; }

    /// <summary>The number in E.164 form; unique.</summary>
    public required string E164 { get; init; }

    /// <summary>The country calling code without <c>+</c>, for example <c>1</c>.</summary>
    public string? CountryCode { get; init; }

    /// <summary>The ISO 3166-1 region the number belongs to, for example <c>US</c>.</summary>
    public string? Region { get; init; }

    /// <summary>The carrier (operator) name, when a provider reported one.</summary>
    public string? Carrier { get; init; }

    /// <summary>The line type, one of the <see cref="LineTypes"/> values.</summary>
    public string? LineType { get; init; }

    /// <summary>Whether the number is a mobile line; <see langword="null"/> when unknown.</summary>
    public bool? IsMobile { get; init; }

    /// <summary>Whether the number is a VoIP line; <see langword="null"/> when unknown.</summary>
    public bool? IsVoip { get; init; }

    /// <summary>Whether the number is valid (by the provider when it was asked, otherwise by metadata).</summary>
    public bool IsValid { get; init; }

    /// <summary>The registered caller name (CNAM), when known.</summary>
    public string? CallerName { get; init; }

    /// <summary>Whether the caller is a business or a consumer, when known.</summary>
    public CallerType? CallerType { get; init; }

    /// <summary>Street address line, when known.</summary>
    public string? AddressStreet { get; init; }

    /// <summary>City, when known.</summary>
    public string? AddressCity { get; init; }

    /// <summary>State or province, when known.</summary>
    public string? AddressState { get; init; }

    /// <summary>Postal code, when known.</summary>
    public string? AddressPostalCode { get; init; }

    /// <summary>Country of the address, when known.</summary>
    public string? AddressCountry { get; init; }

    /// <summary>The provider that produced this data: <c>twilio</c>, <c>test</c>, <c>local</c> (metadata only), ...</summary>
    public string? LookupProvider { get; init; }

    /// <summary>When the cached lookup stops being fresh.</summary>
    public DateTimeOffset? LookupExpiresAt { get; init; }

    /// <summary>How many provider lookups were made for this number.</summary>
    public int LookupCount { get; init; }

    /// <summary>When a provider was last asked about this number.</summary>
    public DateTimeOffset? LastLookupAt { get; init; }

    /// <summary>The provider's raw answer (JSON), kept for fields PhoneHub does not map.</summary>
    public string? LookupData { get; init; }

    /// <summary>When the record was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When the record was last changed.</summary>
    public DateTimeOffset Modified { get; init; }

    /// <summary>Whether the cached lookup is missing or expired at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when a provider should be asked again.</returns>
    public bool NeedsLookup(DateTimeOffset now) => LookupExpiresAt is null || LookupExpiresAt <= now;
}
