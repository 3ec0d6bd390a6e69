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
    /// Moves a message to <paramref name="status"/> only when that is a forward move (see <see cref="SmsStatuses.CanMoveTo"/>);
    /// atomic, so concurrent out-of-order reports cannot move it backwards.
    /// </summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="providerMessageId">The provider's message id.</param>
    /// <param name="status">The reported status.</param>
    /// <param name="errorCode">The reported error code, if any.</param>
    /// <param name="errorMessage">The reported error text, if any.</param>
    /// <param name="at">When the report was received.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened, and the message as stored afterwards (null when unknown).</returns>
    Task<(StatusUpdateOutcome Outcome, SmsMessage? Message)> AdvanceStatusAsync(
        string provider,
        string providerMessageId,
        SmsStatus status,
        string? errorCode,
        string? errorMessage,
        DateTimeOffset at,
        CancellationToken cancellationToken = default);

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

/// <summary>What <see cref="ISmsStore.AdvanceStatusAsync"/> did.</summary>
public enum StatusUpdateOutcome
{
    /// <summary>The status moved forward.</summary>
    Updated = 1,

    /// <summary>The report was older than (or equal to) what is stored, and was ignored.</summary>
    Ignored,

    /// <summary>No message has that provider id.</summary>
    NotFound,
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
