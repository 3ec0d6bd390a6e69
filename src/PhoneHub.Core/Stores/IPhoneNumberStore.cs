using PhoneHub.Lookup;

namespace PhoneHub.Stores;

/// <summary>Holds the shared phone-number lookup cache (one <see cref="PhoneNumber"/> per E.164 number).</summary>
public interface IPhoneNumberStore
{
    /// <summary>Finds a number by its E.164 form.</summary>
    /// <param name="e164">The number.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    Task<PhoneNumber?> FindAsync(string e164, CancellationToken cancellationToken = default);

    /// <summary>Gets a number by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    Task<PhoneNumber?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Inserts the number, or updates the record with the same E.164 (keeping its id and creation time).</summary>
    /// <param name="number">The data to store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record.</returns>
    Task<PhoneNumber> UpsertAsync(PhoneNumber number, CancellationToken cancellationToken = default);

    /// <summary>Lists numbers, newest change first.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A page of records.</returns>
    Task<Page<PhoneNumber>> ListAsync(PhoneNumberQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes a number.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether a record was deleted.</returns>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);
}

/// <summary>Filters for <see cref="IPhoneNumberStore.ListAsync"/>.</summary>
public sealed record PhoneNumberQuery
{
    /// <summary>Only numbers whose E.164 form contains these digits.</summary>
    public string? Contains { get; init; }

    /// <summary>Only numbers of this line type.</summary>
    public string? LineType { get; init; }

    /// <summary>Items to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Page size (1 to 500).</summary>
    public int Limit { get; init; } = 50;
}
