using PhoneHub.Messaging;

namespace PhoneHub.Stores;

/// <summary>Holds sent and received <see cref="SmsMessage"/>s.</summary>
public interface ISmsStore
{
    /// <summary>Inserts a message.</summary>
    /// <param name="message">The message; its id is ignored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message with its id.</returns>
    /// <exception cref="DuplicateMessageException">A message with the same provider and provider message id exists.</exception>
    Task<SmsMessage> InsertAsync(SmsMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts a message unless one with the same provider and provider message id exists (providers retry webhooks,
    /// sometimes concurrently). Safe under concurrency: exactly one caller gets <c>Created = true</c>.
    /// </summary>
    /// <param name="message">The message; <see cref="SmsMessage.Provider"/> and <see cref="SmsMessage.ProviderMessageId"/> are required.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message (new or existing) and whether this call created it.</returns>
    Task<(SmsMessage Message, bool Created)> InsertIfNewAsync(SmsMessage message, CancellationToken cancellationToken = default);

    /// <summary>Overwrites a message's mutable fields (status, provider data, errors, times).</summary>
    /// <param name="message">The message, identified by its id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message as stored afterwards, or <see langword="null"/> when it does not exist.</returns>
    Task<SmsMessage?> UpdateAsync(SmsMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the message with the report's provider id to the reported status only when that is a forward move (see
    /// <see cref="SmsStatuses.CanMoveTo"/>); atomic, so concurrent out-of-order reports cannot move it backwards. A reported
    /// price is recorded when the message has none.
    /// </summary>
    /// <param name="report">The report.</param>
    /// <param name="at">When the report was received.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see cref="StatusUpdateOutcome.Updated"/>, <see cref="StatusUpdateOutcome.Ignored"/> or <see cref="StatusUpdateOutcome.NotFound"/>, and the message as stored afterwards (null when unknown).</returns>
    Task<(StatusUpdateOutcome Outcome, SmsMessage? Message)> AdvanceStatusAsync(SmsStatusReport report, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Keeps a report for a provider id no message has yet, until the send that will store that id completes.</summary>
    /// <param name="report">The report.</param>
    /// <param name="receivedAt">When it was received.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task SavePendingStatusAsync(SmsStatusReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the reports kept for a provider id, oldest first.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="providerMessageId">The provider's message id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The reports.</returns>
    Task<IReadOnlyList<SmsStatusReport>> TakePendingStatusesAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default);

    /// <summary>Drops kept reports received before <paramref name="cutoff"/> (their message never appeared).</summary>
    /// <param name="cutoff">The oldest time kept.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many were dropped.</returns>
    Task<int> DeletePendingStatusesBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Gets a message by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    Task<SmsMessage?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Finds a message by the provider's id.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="providerMessageId">The provider's message id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    Task<SmsMessage?> FindByProviderIdAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default);

    /// <summary>Lists messages, newest first.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A page of messages.</returns>
    Task<Page<SmsMessage>> ListAsync(SmsQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Filters for <see cref="ISmsStore.ListAsync"/>.</summary>
public sealed record SmsQuery
{
    /// <summary>Only messages of this group (<see langword="null"/>: messages without a group), unless <see cref="AllGroups"/>.</summary>
    public string? Group { get; init; }

    /// <summary>List messages of every group.</summary>
    public bool AllGroups { get; init; }

    /// <summary>Only this direction.</summary>
    public SmsDirection? Direction { get; init; }

    /// <summary>Only this status.</summary>
    public SmsStatus? Status { get; init; }

    /// <summary>Only messages from or to this E.164 number.</summary>
    public string? Number { get; init; }

    /// <summary>Only messages created at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only messages created before this time.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Items to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Page size (1 to 500).</summary>
    public int Limit { get; init; } = 50;
}
