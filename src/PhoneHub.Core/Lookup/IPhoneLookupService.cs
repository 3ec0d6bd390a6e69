namespace PhoneHub.Lookup;

/// <summary>Looks phone numbers up through the shared cache, calling the provider only when needed.</summary>
public interface IPhoneLookupService
{
    /// <summary>
    /// Looks a number up. A cached, unexpired record is returned without a provider call unless
    /// <paramref name="forceRefresh"/>; concurrent lookups of one number share one provider call; when the resolved
    /// config has lookups disabled (or its provider has no lookup API) metadata-only data is returned, marked with provider <c>local</c>.
    /// </summary>
    /// <param name="phoneNumber">The number as written; it is normalized first.</param>
    /// <param name="forceRefresh">Ask the provider even when the cache is fresh.</param>
    /// <param name="group">The group whose config decides the provider and the cache window; <see langword="null"/> for the system default.</param>
    /// <param name="cancellationToken">Cancels the wait (a provider call shared with other callers continues).</param>
    /// <returns>What is known about the number.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    /// <exception cref="Providers.PhoneLookupException">The provider failed and nothing is cached for the number.</exception>
    Task<PhoneNumber> LookupAsync(string phoneNumber, bool forceRefresh = false, string? group = null, CancellationToken cancellationToken = default);
}
