namespace PhoneHub.Messaging;

/// <summary>
/// The host's reaction to an inbound SMS, however it arrived (a Twilio or SNS webhook, or a call of
/// <see cref="ISmsService.HandleIncomingAsync"/>). Register one in the container
/// (<c>services.AddSingleton&lt;IInboundSmsHandler, MyHandler&gt;()</c>, or scoped); it is optional.
/// </summary>
/// <remarks>
/// It is called once per message, after the message is stored, and never for a provider's retry of a message already
/// stored. Exceptions are logged and do not fail the delivery (the provider would only retry a message already stored).
/// </remarks>
public interface IInboundSmsHandler
{
    /// <summary>Handles a newly received message.</summary>
    /// <param name="message">The stored message; its <see cref="SmsMessage.Group"/> is the group of the config that owns the receiving number.</param>
    /// <param name="cancellationToken">Aborted when the delivery is.</param>
    /// <returns>
    /// A reply to the sender, or <see langword="null"/> for none. It is sent only for a message bound to a config, from
    /// the number that received it: Twilio gets it back as TwiML; otherwise PhoneHub sends it through that config.
    /// </returns>
    ValueTask<string?> HandleAsync(SmsMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The host's reaction to a message's status moving forward (a delivery report, a send completing). Register one in the
/// container; it is optional. Exceptions are logged and do not fail the report.
/// </summary>
public interface ISmsStatusHandler
{
    /// <summary>Handles a status change.</summary>
    /// <param name="message">The message as stored after the change.</param>
    /// <param name="previous">The status before the change.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    ValueTask OnStatusChangedAsync(SmsMessage message, SmsStatus previous, CancellationToken cancellationToken);
}
