using PhoneHub.Stores;

namespace PhoneHub.Messaging;

/// <summary>Sends, receives and tracks SMS.</summary>
/// <remarks>Id-based reads are not group-scoped; hosts serving several groups compare <see cref="SmsMessage.Group"/> (the ASP.NET Core package does).</remarks>
public interface ISmsService
{
    /// <summary>
    /// Sends a message through the config that applies to <paramref name="group"/>. The message is stored as
    /// <c>queued</c> before the provider is called, then updated with the provider's answer; provider failures do not
    /// throw: the returned message has status <c>failed</c> and the error code and message.
    /// </summary>
    /// <param name="request">What to send.</param>
    /// <param name="group">The sending group; <see langword="null"/> uses the system default config.</param>
    /// <param name="user">The sending user, recorded with the message.</param>
    /// <param name="cancellationToken">Cancels the operation; the stored message still gets a final state.</param>
    /// <returns>The stored message in its final state.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The recipient is not a valid number.</exception>
    /// <exception cref="PhoneHubValidationException">The body, sender or media are invalid.</exception>
    /// <exception cref="Configuration.PhoneConfigNotFoundException">No config applies.</exception>
    /// <exception cref="Providers.ProviderNotRegisteredException">The config's provider is not registered.</exception>
    Task<SmsMessage> SendAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default);

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
