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
    /// price is recorded when the message has none or only an estimate.
    /// </summary>
    /// <param name="report">The report.</param>
    /// <param name="at">When the report was received.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see cref="StatusUpdateOutcome.Updated"/>, <see cref="StatusUpdateOutcome.Ignored"/> or <see cref="StatusUpdateOutcome.NotFound"/>, and the message as stored afterwards (null when unknown).</returns>
    Task<(StatusUpdateOutcome Outcome, SmsMessage? Message)> AdvanceStatusAsync(SmsStatusReport report, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records the price a provider charged for a message, replacing an estimate (or no price); a reported price is never replaced.</summary>
    /// <param name="messageId">The message.</param>
    /// <param name="price">The amount as the provider reports it.</param>
    /// <param name="priceUnit">The currency.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message as stored afterwards, or <see langword="null"/> when it does not exist or already has a reported price.</returns>
    Task<SmsMessage?> SetPriceAsync(long messageId, decimal price, string? priceUnit, DateTimeOffset now, CancellationToken cancellationToken = default);

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

    /// <summary>
    /// Stores a message for sending. With an idempotency key, the first message of the group with that key wins, also
    /// under concurrent calls: the others get it back with <c>Created = false</c> (and its stored request hash). A message
    /// already final (<c>failed</c>: a send the guards refused) is stored as it is and never dispatched.
    /// </summary>
    /// <param name="item">What to store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message and whether this call stored it.</returns>
    Task<SmsEnqueueResult> EnqueueAsync(SmsEnqueue item, CancellationToken cancellationToken = default);

    /// <summary>Stores messages for sending in one transaction (a chunk of a bulk send); same rules as <see cref="EnqueueAsync"/> for each.</summary>
    /// <param name="items">What to store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One result per item, in order.</returns>
    Task<IReadOnlyList<SmsEnqueueResult>> EnqueueManyAsync(IReadOnlyList<SmsEnqueue> items, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> messages that are due at <paramref name="now"/> and not claimed by anyone
    /// whose lease still runs, oldest first. A message is handed to exactly one claimant, also across processes.
    /// </summary>
    /// <param name="owner">The claimant.</param>
    /// <param name="now">The current time.</param>
    /// <param name="leaseUntil">When the claims lapse.</param>
    /// <param name="limit">The most messages to claim.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The claimed messages.</returns>
    Task<IReadOnlyList<SmsMessage>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that a provider call for a message claimed by <paramref name="attempt"/>'s owner starts now (before the
    /// request leaves), renewing the lease and counting the attempt. Refused (null) when the claim lapsed or moved on.
    /// </summary>
    /// <param name="messageId">The message.</param>
    /// <param name="attempt">The claim and the call's token.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/> when the caller no longer holds it.</returns>
    Task<SmsMessage?> StartAttemptAsync(long messageId, SmsAttempt attempt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a provider call's outcome (status, provider id, price, errors, the config it went through) when the
    /// message still belongs to that call (<paramref name="attemptToken"/>); ends its claim. Also applies after crash
    /// recovery gave up on the call, so a late real answer replaces "outcome unknown".
    /// </summary>
    /// <param name="message">The message with its final fields.</param>
    /// <param name="attemptToken">The call's token.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message as stored, or <see langword="null"/> when another call owns it now.</returns>
    Task<SmsMessage?> CompleteAttemptAsync(SmsMessage message, string attemptToken, CancellationToken cancellationToken = default);

    /// <summary>Returns a claimed message to the queue (the provider did not take it: throttled, or failing over to another config).</summary>
    /// <param name="messageId">The message.</param>
    /// <param name="attemptToken">The call that ends without a send.</param>
    /// <param name="release">When it may go again, and through which config.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/> when the call does not own it.</returns>
    Task<SmsMessage?> ReleaseAsync(long messageId, string attemptToken, SmsRelease release, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts a message this owner claimed, whose provider call has not started, back to wait until <paramref name="release"/>'s
    /// due time (a send guard deferred it: quiet hours, a spend limit): <c>scheduled</c>, with the reason in its error
    /// fields and the due time as its send time; the claim ends.
    /// </summary>
    /// <param name="messageId">The message.</param>
    /// <param name="owner">The claimant.</param>
    /// <param name="release">When it may go, and why (<see cref="SmsRelease.ConfigId"/> and the provider fields are ignored).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/> when the owner does not hold it (or its call started).</returns>
    Task<SmsMessage?> DeferAsync(long messageId, string owner, SmsRelease release, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Claims one message, when it is waiting and not claimed (an inline send picking its message up again after a failover).</summary>
    /// <param name="messageId">The message.</param>
    /// <param name="owner">The claimant.</param>
    /// <param name="now">The current time.</param>
    /// <param name="leaseUntil">When the claim lapses.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    Task<SmsMessage?> ClaimAsync(long messageId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Cancels a message nobody has claimed yet (queued or scheduled).</summary>
    /// <param name="messageId">The message.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened, and the message as stored.</returns>
    Task<(SmsCancelOutcome Outcome, SmsMessage? Message)> CancelAsync(long messageId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resolves provider calls whose claim lapsed (their process died mid-call): the provider may have the message, so it
    /// is failed with the given error instead of being sent again.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="errorCode">The error code to record.</param>
    /// <param name="errorMessage">The error text to record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The messages resolved.</returns>
    Task<IReadOnlyList<SmsMessage>> ResolveLapsedAttemptsAsync(DateTimeOffset now, string errorCode, string errorMessage, CancellationToken cancellationToken = default);

    /// <summary>When the next waiting message falls due (the earliest due time among unclaimed or lapsed claims), if any.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The time, or <see langword="null"/> when nothing waits.</returns>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// How many messages are due at <paramref name="now"/> and wait for a provider call (unclaimed, lapsed, or claimed and
    /// waiting for their turn), and since when the oldest of them is due. Read by health checks and the queue metrics.
    /// </summary>
    /// <remarks>
    /// The default reads <see cref="NextDueAsync"/> only and reports no count; stores override it with one query.
    /// </remarks>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The queue's state.</returns>
    async Task<SmsQueueStatus> GetQueueStatusAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var next = await NextDueAsync(cancellationToken).ConfigureAwait(false);
        return new SmsQueueStatus(null, next <= now ? next : null);
    }

    /// <summary>Stores a batch.</summary>
    /// <param name="batch">The batch; its id is ignored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored batch.</returns>
    Task<SmsBatch> CreateBatchAsync(SmsBatch batch, CancellationToken cancellationToken = default);

    /// <summary>A batch and its messages' counts by status.</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The status, or <see langword="null"/>.</returns>
    Task<SmsBatchStatus?> GetBatchAsync(long batchId, CancellationToken cancellationToken = default);

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

/// <summary>The send queue as <see cref="ISmsStore.GetQueueStatusAsync"/> sees it.</summary>
/// <param name="DueCount">How many messages are due and wait, or <see langword="null"/> when the store does not count them.</param>
/// <param name="OldestDueAt">When the oldest waiting message fell due, or <see langword="null"/> when none waits.</param>
public sealed record SmsQueueStatus(long? DueCount, DateTimeOffset? OldestDueAt)
{
    /// <summary>How long the oldest waiting message has waited at <paramref name="now"/> (zero when none waits).</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The age, never negative.</returns>
    public TimeSpan OldestAge(DateTimeOffset now) => OldestDueAt is { } due && now > due ? now - due : TimeSpan.Zero;
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
