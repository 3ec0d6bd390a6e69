using Microsoft.Extensions.Logging;

namespace PhoneHub.Diagnostics;

/// <summary>
/// Every log line PhoneHub writes, with stable event ids. Phone numbers and bodies are never logged in full
/// (only ids and provider codes); credentials never at all.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "PhoneHub SQLite schema migrated to version {Version}.")]
    public static partial void SchemaMigrated(ILogger logger, int version);

    [LoggerMessage(10, LogLevel.Debug, "Message {MessageId} queued for provider {Provider}.")]
    public static partial void MessageQueued(ILogger logger, long messageId, string provider);

    [LoggerMessage(11, LogLevel.Information, "Message {MessageId} handed to provider {Provider}: status {Status}, provider id {ProviderMessageId}.")]
    public static partial void MessageSent(ILogger logger, long messageId, string provider, string status, string providerMessageId);

    [LoggerMessage(12, LogLevel.Warning, "Message {MessageId} failed at provider {Provider}: {ErrorCode} (outcome unknown: {OutcomeUnknown}).")]
    public static partial void MessageFailed(ILogger logger, long messageId, string provider, string errorCode, bool outcomeUnknown);

    [LoggerMessage(13, LogLevel.Error, "Message {MessageId}: provider {Provider} threw an unexpected exception.")]
    public static partial void MessageProviderCrashed(ILogger logger, Exception exception, long messageId, string provider);

    [LoggerMessage(14, LogLevel.Information, "Inbound message {MessageId} stored from provider {Provider} for group {Group}.")]
    public static partial void InboundStored(ILogger logger, long messageId, string provider, string? group);

    [LoggerMessage(15, LogLevel.Debug, "Inbound message {ProviderMessageId} from provider {Provider} was already stored; duplicate ignored.")]
    public static partial void InboundDuplicate(ILogger logger, string provider, string providerMessageId);

    [LoggerMessage(16, LogLevel.Debug, "Status {Status} for {Provider} message {ProviderMessageId}: {Outcome}.")]
    public static partial void StatusApplied(ILogger logger, string provider, string providerMessageId, string status, string outcome);

    [LoggerMessage(17, LogLevel.Warning, "Status {Status} reported for unknown {Provider} message {ProviderMessageId}; ignored.")]
    public static partial void StatusForUnknownMessage(ILogger logger, string provider, string providerMessageId, string status);

    [LoggerMessage(20, LogLevel.Warning, "Lookup at provider {Provider} failed ({ErrorCode}); a stored record was returned instead.")]
    public static partial void LookupFailedServedStale(ILogger logger, string provider, string errorCode);

    [LoggerMessage(21, LogLevel.Warning, "Lookup at provider {Provider} failed ({ErrorCode}); nothing stored, retry suppressed for {Duration}.")]
    public static partial void LookupFailed(ILogger logger, string provider, string errorCode, TimeSpan duration);

    [LoggerMessage(22, LogLevel.Error, "Lookup provider {Provider} threw an unexpected exception.")]
    public static partial void LookupProviderCrashed(ILogger logger, Exception exception, string provider);

    [LoggerMessage(30, LogLevel.Information, "Credentials of config {ConfigId} were replaced.")]
    public static partial void CredentialsStored(ILogger logger, long configId);

    [LoggerMessage(31, LogLevel.Warning, "Connection test of config {ConfigId} ({Provider}) failed: {ErrorCode}.")]
    public static partial void ConnectionTestFailed(ILogger logger, long configId, string provider, string errorCode);
}
