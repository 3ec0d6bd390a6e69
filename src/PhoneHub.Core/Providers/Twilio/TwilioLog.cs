using Microsoft.Extensions.Logging;

namespace PhoneHub.Providers.Twilio;

/// <summary>
/// The Twilio provider's log lines, with stable event ids (300-399). Phone numbers, bodies and credentials are never
/// logged: only PhoneHub ids, Twilio SIDs and codes. Retries are logged by the resilience pipeline's own telemetry.
/// </summary>
internal static partial class TwilioLog
{
    [LoggerMessage(300, LogLevel.Debug, "Twilio accepted message {MessageId}: sid {Sid}, status {Status}.")]
    public static partial void MessageAccepted(ILogger logger, long messageId, string sid, string status);

    [LoggerMessage(301, LogLevel.Warning, "Twilio refused message {MessageId}: HTTP {StatusCode}, error {ErrorCode}.")]
    public static partial void MessageRefused(ILogger logger, long messageId, int statusCode, string errorCode);

    [LoggerMessage(302, LogLevel.Warning, "Twilio create for message {MessageId} ended without a definite answer ({Reason}); it is not re-sent, because Twilio may have accepted it.")]
    public static partial void MessageOutcomeUnknown(ILogger logger, Exception? exception, long messageId, string reason);

    [LoggerMessage(303, LogLevel.Warning, "Twilio create for message {MessageId} could not connect; nothing was sent.")]
    public static partial void MessageNotConnected(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(310, LogLevel.Warning, "Twilio lookup failed: {ErrorCode} (HTTP {StatusCode}, Twilio error {TwilioCode}).")]
    public static partial void LookupFailed(ILogger logger, Exception? exception, string errorCode, int? statusCode, int? twilioCode);

    [LoggerMessage(320, LogLevel.Debug, "Twilio connection test of config {ConfigId}: {Outcome}.")]
    public static partial void ConnectionTested(ILogger logger, long configId, string outcome);
}
