using Microsoft.Extensions.Logging;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>
/// The webhooks' log lines, with stable event ids (500-599). Only provider message ids, account SIDs, topic ARNs and
/// host names are logged; never tokens, signatures, phone numbers or bodies.
/// </summary>
internal static partial class WebhookLog
{
    [LoggerMessage(500, LogLevel.Warning, "Twilio webhook {Path} rejected: {Reason}.")]
    public static partial void TwilioRejected(ILogger logger, string path, string reason);

    [LoggerMessage(501, LogLevel.Warning, "Twilio webhook {Path} rejected: no {Provider} config with credentials matches the request ({Lookup}).")]
    public static partial void TwilioNoCredentials(ILogger logger, string path, string provider, string lookup);

    [LoggerMessage(502, LogLevel.Warning, "Could not read the credentials of config {ConfigId} to check a webhook signature.")]
    public static partial void CredentialsUnreadable(ILogger logger, Exception exception, long configId);

    [LoggerMessage(503, LogLevel.Information, "Twilio status {Status} for unknown message {MessageSid}; answered 200 and ignored.")]
    public static partial void TwilioStatusUnknownMessage(ILogger logger, string messageSid, string status);

    [LoggerMessage(504, LogLevel.Warning, "Twilio status callback for message {MessageSid} carried an unknown status; ignored.")]
    public static partial void TwilioStatusUnknownValue(ILogger logger, string messageSid);

    [LoggerMessage(505, LogLevel.Debug, "Twilio status {Status} for message {MessageSid}: {Outcome}.")]
    public static partial void TwilioStatusApplied(ILogger logger, string messageSid, string status, string outcome);

    [LoggerMessage(506, LogLevel.Error, "The host's inbound SMS handler failed for message {MessageId}.")]
    public static partial void InboundHandlerFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(507, LogLevel.Warning, "Webhook {Path} rejected: body larger than {MaxBytes} bytes.")]
    public static partial void BodyTooLarge(ILogger logger, string path, int maxBytes);

    [LoggerMessage(510, LogLevel.Warning, "SNS message rejected: {Reason} (topic {TopicArn}).")]
    public static partial void SnsRejected(ILogger logger, string reason, string? topicArn);

    [LoggerMessage(511, LogLevel.Warning, "SNS signing certificate could not be fetched from host {Host}.")]
    public static partial void SnsCertificateFetchFailed(ILogger logger, Exception? exception, string host);

    [LoggerMessage(512, LogLevel.Information, "SNS subscription to topic {TopicArn} confirmed.")]
    public static partial void SnsSubscriptionConfirmed(ILogger logger, string topicArn);

    [LoggerMessage(513, LogLevel.Warning, "SNS subscription to topic {TopicArn} not confirmed: {Reason}.")]
    public static partial void SnsSubscriptionNotConfirmed(ILogger logger, string topicArn, string reason);

    [LoggerMessage(514, LogLevel.Information, "SNS unsubscribe confirmation for topic {TopicArn} received.")]
    public static partial void SnsUnsubscribed(ILogger logger, string topicArn);

    [LoggerMessage(515, LogLevel.Warning, "SNS notification {MessageId} is not an inbound SMS: {Reason}.")]
    public static partial void SnsNotificationMalformed(ILogger logger, string messageId, string reason);

    [LoggerMessage(516, LogLevel.Warning, "Reply to inbound message {MessageId} through SNS could not be sent.")]
    public static partial void SnsReplyFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(517, LogLevel.Warning, "SNS notification {MessageId} is not a readable AWS End User Messaging event: {Reason}.")]
    public static partial void SnsEventMalformed(ILogger logger, string messageId, string reason);

    [LoggerMessage(518, LogLevel.Debug, "AWS End User Messaging event {EventType} for message {ProviderMessageId} ignored: PhoneHub does not track that event type.")]
    public static partial void SnsEventIgnored(ILogger logger, string eventType, string providerMessageId);

    [LoggerMessage(519, LogLevel.Debug, "AWS End User Messaging event {EventType} for message {ProviderMessageId} from topic {TopicArn}: {Outcome}.")]
    public static partial void SnsEventApplied(ILogger logger, string eventType, string providerMessageId, string topicArn, string outcome);

    [LoggerMessage(520, LogLevel.Warning, "AWS End User Messaging event {EventType} for {ProviderMessageId} names message {MessageId}, whose send was stored with an unknown outcome: AWS did take it. The stored message is not changed.")]
    public static partial void SnsEventForUnknownOutcome(ILogger logger, string providerMessageId, long messageId, string eventType);
}
