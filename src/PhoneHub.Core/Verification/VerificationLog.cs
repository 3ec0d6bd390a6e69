using Microsoft.Extensions.Logging;

namespace PhoneHub.Verification;

/// <summary>Log messages of verification. None carries a code: only ids, counts and reason codes.</summary>
internal static partial class VerificationLog
{
    [LoggerMessage(500, LogLevel.Information, "Verification {VerificationId} started (send {Sends}, message {MessageId}).")]
    public static partial void Started(ILogger logger, long verificationId, int sends, long messageId);

    [LoggerMessage(501, LogLevel.Warning, "Verification start refused for group {Group}: {Reason}; retry after {RetryAfter}.")]
    public static partial void StartRefused(ILogger logger, string? group, string reason, TimeSpan? retryAfter);

    [LoggerMessage(502, LogLevel.Debug, "Verification {VerificationId} checked: {Reason} ({Checks} checks).")]
    public static partial void Checked(ILogger logger, long verificationId, string reason, int checks);

    [LoggerMessage(503, LogLevel.Information, "Verification {VerificationId} canceled.")]
    public static partial void Canceled(ILogger logger, long verificationId);

    [LoggerMessage(504, LogLevel.Warning, "Verification {VerificationId} was canceled because its message could not be queued.")]
    public static partial void SendFailed(ILogger logger, Exception exception, long verificationId);
}
