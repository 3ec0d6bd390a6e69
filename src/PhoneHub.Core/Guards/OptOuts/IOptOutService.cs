using PhoneHub.Stores;

namespace PhoneHub.Guards.OptOuts;

/// <summary>
/// The opt-out lists, one per group. A number on a list gets nothing more from that group (sends are refused with
/// <c>opted_out</c> before any provider call) until it opts back in. Inbound keywords, provider refusals (Twilio 21610,
/// SNS OptedOut) and this API change the lists; every change is recorded with when, how and by whom.
/// </summary>
public interface IOptOutService
{
    /// <summary>Whether a number is on a group's list.</summary>
    /// <param name="phoneNumber">The number as written.</param>
    /// <param name="group">The group; <see langword="null"/> for messages without a group.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when it opted out.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The number is not valid.</exception>
    Task<bool> IsOptedOutAsync(string phoneNumber, string? group = null, CancellationToken cancellationToken = default);

    /// <summary>Adds a number to a group's list (recorded as an API change by <paramref name="user"/>).</summary>
    /// <param name="phoneNumber">The number as written.</param>
    /// <param name="group">The group.</param>
    /// <param name="user">Who made the change.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the list changed (<see langword="false"/>: it was already on it).</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The number is not valid.</exception>
    Task<bool> OptOutAsync(string phoneNumber, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a number from a group's list (recorded as an API change by <paramref name="user"/>).</summary>
    /// <param name="phoneNumber">The number as written.</param>
    /// <param name="group">The group.</param>
    /// <param name="user">Who made the change.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the list changed (<see langword="false"/>: it was not on it).</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The number is not valid.</exception>
    Task<bool> OptInAsync(string phoneNumber, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>Lists a group's opted-out numbers, newest first.</summary>
    /// <param name="query">The group, an optional number and paging.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A page of entries.</returns>
    Task<Page<OptOutEntry>> ListAsync(OptOutQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists a group's changes, newest first.</summary>
    /// <param name="query">The group, an optional number and paging.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A page of changes.</returns>
    Task<Page<OptOutChange>> ListChangesAsync(OptOutQuery query, CancellationToken cancellationToken = default);
}
