using PhoneHub.Stores;

namespace PhoneHub.Lookup;

/// <summary>
/// The one write path of the shared phone-number records: validation, patching, and invalidation of the lookup caches,
/// so a changed record is never served stale. Lookups themselves go through <see cref="IPhoneLookupService"/>.
/// </summary>
/// <remarks>
/// The records are shared by every group (a carrier's answer does not depend on who asked), so a host exposing these
/// writes to tenants should restrict them to administrators; the ASP.NET Core routes require <c>manage_groups</c>.
/// </remarks>
public interface IPhoneNumberService
{
    /// <summary>Gets a record by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    Task<PhoneNumber?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Gets the record of a number.</summary>
    /// <param name="phoneNumber">The number as written; it is normalized first.</param>
    /// <param name="defaultRegion">The region for numbers without a country code; by default <see cref="PhoneHubOptions.DefaultRegion"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    Task<PhoneNumber?> FindAsync(string phoneNumber, string? defaultRegion = null, CancellationToken cancellationToken = default);

    /// <summary>Lists records, most recently changed first.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A page of records.</returns>
    /// <exception cref="PhoneHubValidationException">A filter is invalid.</exception>
    Task<Page<PhoneNumber>> ListAsync(PhoneNumberQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the record of a number (starting from what numbering-plan metadata says) or changes the existing one,
    /// applying <paramref name="patch"/>. A new record has no lookup expiry, so the first paying lookup still asks the provider.
    /// </summary>
    /// <param name="phoneNumber">The number as written.</param>
    /// <param name="patch">The fields to set.</param>
    /// <param name="defaultRegion">The region for numbers without a country code.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record and whether it was created.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    /// <exception cref="PhoneHubValidationException">A field is invalid.</exception>
    Task<PhoneNumberWriteResult> SaveAsync(string phoneNumber, PhoneNumberPatch patch, string? defaultRegion = null, CancellationToken cancellationToken = default);

    /// <summary>Changes a record's descriptive fields.</summary>
    /// <param name="id">The id.</param>
    /// <param name="patch">The fields to set.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record, or <see langword="null"/> when it does not exist.</returns>
    /// <exception cref="PhoneHubValidationException">A field is invalid.</exception>
    Task<PhoneNumber?> UpdateAsync(long id, PhoneNumberPatch patch, CancellationToken cancellationToken = default);

    /// <summary>Deletes a record.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);
}

/// <summary>Changes to a phone-number record: <see langword="null"/> keeps a field, an empty string clears a text field.</summary>
public sealed record PhoneNumberPatch
{
    /// <summary>The carrier name.</summary>
    public string? Carrier { get; init; }

    /// <summary>One of <see cref="LineTypes"/>.</summary>
    public string? LineType { get; init; }

    /// <summary>Whether it is a mobile line.</summary>
    public bool? IsMobile { get; init; }

    /// <summary>Whether it is a VoIP line.</summary>
    public bool? IsVoip { get; init; }

    /// <summary>The caller name.</summary>
    public string? CallerName { get; init; }

    /// <summary><c>business</c> or <c>consumer</c> (case-insensitive); empty clears it.</summary>
    public string? CallerType { get; init; }

    /// <summary>Street address line.</summary>
    public string? AddressStreet { get; init; }

    /// <summary>City.</summary>
    public string? AddressCity { get; init; }

    /// <summary>State or province.</summary>
    public string? AddressState { get; init; }

    /// <summary>Postal code.</summary>
    public string? AddressPostalCode { get; init; }

    /// <summary>Country of the address.</summary>
    public string? AddressCountry { get; init; }
}

/// <summary>The result of <see cref="IPhoneNumberService.SaveAsync"/>.</summary>
/// <param name="Number">The stored record.</param>
/// <param name="Created">Whether the record was created by this call.</param>
public sealed record PhoneNumberWriteResult(PhoneNumber Number, bool Created);
