using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore;

/// <summary>
/// The host's reaction to an inbound SMS that a provider webhook delivered. Register one in the container
/// (<c>services.AddSingleton&lt;IInboundSmsHandler, MyHandler&gt;()</c> or scoped); it is optional.
/// </summary>
/// <remarks>
/// It is called once per message, after the message is stored, and never for a provider's retry of a message already
/// stored. Exceptions are logged and do not fail the webhook (the provider would only retry a message already stored).
/// </remarks>
public interface IInboundSmsHandler
{
    /// <summary>Handles a newly received message.</summary>
    /// <param name="message">The stored message; its <see cref="SmsMessage.Group"/> is the group that owns the receiving number.</param>
    /// <param name="cancellationToken">Aborted when the provider's request is.</param>
    /// <returns>
    /// A reply to send to the sender, or <see langword="null"/> for none. Twilio receives it as a TwiML
    /// <c>&lt;Message&gt;</c>; for Amazon SNS it is sent through <see cref="ISmsService.SendAsync"/> in the message's group.
    /// </returns>
    ValueTask<string?> HandleAsync(SmsMessage message, CancellationToken cancellationToken);
}
