using PhoneHub.Lookup;

namespace PhoneHub.Providers;

/// <summary>Looks numbers up with one provider (carrier, line type, caller name). Registered in DI; chosen by <see cref="Name"/>.</summary>
public interface IPhoneLookupProvider
{
    /// <summary>The provider name, matched against <c>PhoneConfig.Provider</c>.</summary>
    string Name { get; }

    /// <summary>Looks a number up.</summary>
    /// <param name="e164">The number, already normalized.</param>
    /// <param name="context">The config and its credentials.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What the provider knows.</returns>
    /// <exception cref="PhoneLookupException">The lookup failed.</exception>
    Task<PhoneLookupResult> LookupAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default);
}

/// <summary>What a provider said about a number.</summary>
public sealed record PhoneLookupResult
{
    /// <summary>The provider that answered (stored as <c>lookup_provider</c>).</summary>
    public required string Provider { get; init; }

    /// <summary>Whether the number is valid.</summary>
    public bool IsValid { get; init; }

    /// <summary>The ISO 3166-1 region.</summary>
    public string? Region { get; init; }

    /// <summary>The country calling code without <c>+</c>.</summary>
    public string? CountryCode { get; init; }

    /// <summary>The carrier name.</summary>
    public string? Carrier { get; init; }

    /// <summary>One of <see cref="LineTypes"/>.</summary>
    public string? LineType { get; init; }

    /// <summary>Whether it is a mobile line, when known.</summary>
    public bool? IsMobile { get; init; }

    /// <summary>Whether it is a VoIP line, when known.</summary>
    public bool? IsVoip { get; init; }

    /// <summary>The caller name, when known.</summary>
    public string? CallerName { get; init; }

    /// <summary>Business or consumer, when known.</summary>
    public CallerType? CallerType { get; init; }

    /// <summary>The provider's raw answer (JSON).</summary>
    public string? RawData { get; init; }
}
