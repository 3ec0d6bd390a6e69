using PhoneHub.Stores;

namespace PhoneHub.Messaging;

/// <summary>Sends, receives and tracks SMS.</summary>
/// <remarks>Id-based reads are not group-scoped; hosts serving several groups compare <see cref="SmsMessage.Group"/> (the ASP.NET Core package does).</remarks>
public interface ISmsService
{
    /// <summary>
    /// Sends a message now through the config that applies to <paramref name="group"/> and returns it in a final state
    /// (the provider's answer). It goes through the same pipeline as <see cref="EnqueueAsync"/>: stored first, paced per
    /// sender, recorded as started before the provider call, failed over to the config's fallback when the provider
    /// proves it did not send. Provider failures do not throw: the message has status <c>failed</c> and says why. A
    /// request with a <see cref="SendSmsRequest.SendAt"/> in the future is only scheduled (returned as <c>scheduled</c>).
    /// The send guards run first: a refused send is returned (and stored) as <c>failed</c> with a reason code from
    /// <see cref="Guards.GuardReasons"/> and no provider is called; a deferred one (quiet hours, a spend limit that
    /// waits) is returned as <c>scheduled</c> with the reason.
    /// </summary>
    /// <param name="request">What to send.</param>
    /// <param name="group">The sending group; <see langword="null"/> uses the system default config.</param>
    /// <param name="user">The sending user, recorded with the message.</param>
    /// <param name="cancellationToken">Cancels the operation; the stored message still gets a final state.</param>
    /// <returns>The stored message in its final state.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The recipient is not a valid number.</exception>
    /// <exception cref="PhoneHubValidationException">The body, sender, media, schedule or idempotency key are invalid.</exception>
    /// <exception cref="Configuration.PhoneConfigNotFoundException">No config applies.</exception>
    /// <exception cref="Providers.ProviderNotRegisteredException">The config's provider is not registered in this host.</exception>
    /// <exception cref="IdempotencyConflictException">The idempotency key was used with a different request.</exception>
    Task<SmsMessage> SendAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates and stores a message (<c>queued</c>, or <c>scheduled</c> with a future <see cref="SendSmsRequest.SendAt"/>)
    /// and returns at once; a dispatcher sends it when due (the background one in a generic host, or
    /// <see cref="DispatchDueAsync"/>). With an idempotency key, a repeated request returns the first message and sends nothing.
    /// The enqueue-time guards run first (see <see cref="SendAsync"/>); opt-out, quiet hours and the spend limit are
    /// checked again before the provider call.
    /// </summary>
    /// <param name="request">What to send.</param>
    /// <param name="group">The sending group.</param>
    /// <param name="user">The sending user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The recipient is not a valid number.</exception>
    /// <exception cref="PhoneHubValidationException">The request is invalid.</exception>
    /// <exception cref="Configuration.PhoneConfigNotFoundException">No config applies.</exception>
    /// <exception cref="IdempotencyConflictException">The idempotency key was used with a different request.</exception>
    Task<SmsMessage> EnqueueAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues many messages as one batch. Each row is validated on its own: invalid rows are reported with their index
    /// and errors and do not stop the others. Rows are stored in one transaction per chunk.
    /// </summary>
    /// <param name="requests">The rows.</param>
    /// <param name="group">The sending group.</param>
    /// <param name="user">The sending user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The batch, the enqueued message ids and the rejected rows.</returns>
    /// <exception cref="Configuration.PhoneConfigNotFoundException">No config applies.</exception>
    Task<SmsBulkResult> SendManyAsync(IEnumerable<SendSmsRequest> requests, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// How a body would be sent through the config that applies to <paramref name="group"/>: encoding (GSM-7 or UCS-2),
    /// characters, segments, the per-segment limit, the estimated price, and what smart encoding changes (applied when
    /// the config has it on). Sends nothing and stores nothing; the counts are the ones a send records.
    /// </summary>
    /// <param name="request">The body, and optionally the recipient and sender (for the price).</param>
    /// <param name="group">The group whose config applies; without one, the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The preview.</returns>
    /// <exception cref="PhoneHubValidationException">The body is missing or too long.</exception>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The recipient is not a valid number.</exception>
    Task<Guards.Segments.SmsPreview> PreviewAsync(Guards.Segments.SmsPreviewRequest request, string? group = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues many rows as one batch, where some rows may already be known to be invalid (for example a CSV line whose
    /// <c>send_at</c> is not a time, see <see cref="SmsCsv"/>): those are counted in the batch and reported with the rest.
    /// </summary>
    /// <param name="rows">The rows, in upload order.</param>
    /// <param name="group">The sending group.</param>
    /// <param name="user">The sending user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The batch, the enqueued message ids and the rejected rows (by index in <paramref name="rows"/>).</returns>
    /// <exception cref="Configuration.PhoneConfigNotFoundException">No config applies.</exception>
    Task<SmsBulkResult> SendManyAsync(IEnumerable<SmsBulkRow> rows, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a queued or scheduled message that no dispatcher has claimed.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The canceled message, or <see langword="null"/> when it does not exist.</returns>
    /// <exception cref="SmsNotCancelableException">It is being sent or already final.</exception>
    Task<SmsMessage?> CancelAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>A batch and how far it has come (counts by status).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The status, or <see langword="null"/>.</returns>
    Task<Stores.SmsBatchStatus?> GetBatchAsync(long batchId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends every message that is due now, in this caller, with the same code path as the background dispatcher; for
    /// hosts without a generic host (console tools, tests). Returns when nothing due is left.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many messages were claimed.</returns>
    Task<int> DispatchDueAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores an inbound message once per provider message id, in the group of the config it arrived for (see
    /// <see cref="IncomingSms.ConfigId"/>), then runs the <see cref="IInboundSmsHandler"/> once and, unless the caller
    /// delivers the reply itself, sends its reply through that config.
    /// </summary>
    /// <param name="incoming">The message as the webhook delivered it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message, whether this call stored it, and the reply.</returns>
    Task<IncomingSmsResult> HandleIncomingAsync(IncomingSms incoming, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a verified delivery report; statuses only move forward. A report from another account (or another
    /// group's config) than the message went through is refused; a report for a provider id no message has yet is kept
    /// and applied when the send stores that id.
    /// </summary>
    /// <param name="report">The report.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened.</returns>
    Task<StatusUpdateOutcome> ApplyStatusAsync(SmsStatusReport report, CancellationToken cancellationToken = default);

    /// <summary>Finds a message by the provider's id for it.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="providerMessageId">The provider's message id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    Task<SmsMessage?> FindByProviderIdAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default);

    /// <summary>Gets a message.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    Task<SmsMessage?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Lists messages, newest first.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A page of messages.</returns>
    Task<Page<SmsMessage>> ListAsync(SmsQuery query, CancellationToken cancellationToken = default);
}
