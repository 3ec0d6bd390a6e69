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

    [LoggerMessage(2, LogLevel.Error, "A PhoneHub SQLite commit of {Count} write(s) failed; none of them is stored.")]
    public static partial void GroupCommitFailed(ILogger logger, Exception exception, int count);

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

    [LoggerMessage(57, LogLevel.Information, "PhoneHub dispatcher {Owner} started.")]
    public static partial void DispatcherStarted(ILogger logger, string owner);

    [LoggerMessage(58, LogLevel.Error, "A PhoneHub dispatcher pass failed; trying again after the poll interval.")]
    public static partial void DispatcherPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(50, LogLevel.Error, "Dispatching message {MessageId} failed unexpectedly; its claim lapses and recovery decides.")]
    public static partial void DispatchFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(51, LogLevel.Warning, "Message {MessageId}: its process stopped during the provider call; recorded as outcome unknown, not sent again.")]
    public static partial void AttemptLapsed(ILogger logger, long messageId);

    [LoggerMessage(52, LogLevel.Debug, "Message {MessageId}: the claim lapsed before the provider call; another dispatcher may send it.")]
    public static partial void ClaimLost(ILogger logger, long messageId);

    [LoggerMessage(53, LogLevel.Warning, "Message {MessageId}: provider {Provider} throttled the sender; paused for {Pause} and queued again.")]
    public static partial void SenderThrottled(ILogger logger, long messageId, string provider, TimeSpan pause);

    [LoggerMessage(54, LogLevel.Warning, "Message {MessageId}: config {ConfigId} failed with {ErrorCode} (not sent); failing over to config {FallbackConfigId}.")]
    public static partial void FailingOver(ILogger logger, long messageId, long configId, long fallbackConfigId, string errorCode);

    [LoggerMessage(55, LogLevel.Information, "Message {MessageId} canceled.")]
    public static partial void MessageCanceled(ILogger logger, long messageId);

    [LoggerMessage(56, LogLevel.Information, "Batch {BatchId}: {Enqueued} message(s) enqueued, {Rejected} row(s) rejected.")]
    public static partial void BatchEnqueued(ILogger logger, long batchId, int enqueued, int rejected);

    [LoggerMessage(18, LogLevel.Information, "Status {Status} for {Provider} message {ProviderMessageId} arrived before the message's provider id was stored; kept to apply then.")]
    public static partial void StatusKeptForLater(ILogger logger, string provider, string providerMessageId, string status);

    [LoggerMessage(19, LogLevel.Warning, "Status {Status} for {Provider} message {ProviderMessageId} came from another account or group than the message went through; refused.")]
    public static partial void StatusRefused(ILogger logger, string provider, string providerMessageId, string status);

    [LoggerMessage(40, LogLevel.Error, "The inbound SMS handler failed for message {MessageId}; the message is stored.")]
    public static partial void InboundHandlerFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(41, LogLevel.Warning, "The reply to inbound message {MessageId} was not sent: {Reason}.")]
    public static partial void InboundReplyNotSent(ILogger logger, long messageId, string reason);

    [LoggerMessage(42, LogLevel.Warning, "The reply to inbound message {MessageId} could not be sent; the inbound message is stored.")]
    public static partial void InboundReplyFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(43, LogLevel.Error, "A status handler failed for message {MessageId}.")]
    public static partial void StatusHandlerFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(20, LogLevel.Warning, "Lookup at provider {Provider} failed ({ErrorCode}); a stored record was returned instead.")]
    public static partial void LookupFailedServedStale(ILogger logger, string provider, string errorCode);

    [LoggerMessage(21, LogLevel.Warning, "Lookup at provider {Provider} failed ({ErrorCode}); nothing stored, retry suppressed for {Duration}.")]
    public static partial void LookupFailed(ILogger logger, string provider, string errorCode, TimeSpan duration);

    [LoggerMessage(22, LogLevel.Error, "Lookup provider {Provider} threw an unexpected exception.")]
    public static partial void LookupProviderCrashed(ILogger logger, Exception exception, string provider);

    [LoggerMessage(23, LogLevel.Information, "Phone-number record {RecordId} {Change}.")]
    public static partial void PhoneNumberWritten(ILogger logger, long recordId, string change);

    [LoggerMessage(30, LogLevel.Information, "Credentials of config {ConfigId} were replaced.")]
    public static partial void CredentialsStored(ILogger logger, long configId);

    [LoggerMessage(32, LogLevel.Information, "Config {ConfigId} {Change}.")]
    public static partial void ConfigWritten(ILogger logger, long configId, string change);

    [LoggerMessage(33, LogLevel.Information, "Config {ConfigId} was deactivated because config {ActivatedConfigId} of the same group was activated.")]
    public static partial void ConfigDeactivated(ILogger logger, long configId, long activatedConfigId);

    [LoggerMessage(34, LogLevel.Warning, "No credential encryption key is configured: storing or reading provider credentials will fail. Set '{Setting}' (32 random bytes, base64).")]
    public static partial void EncryptionKeyMissing(ILogger logger, string setting);

    [LoggerMessage(31, LogLevel.Warning, "Connection test of config {ConfigId} ({Provider}) failed: {ErrorCode}.")]
    public static partial void ConnectionTestFailed(ILogger logger, long configId, string provider, string errorCode);

    [LoggerMessage(60, LogLevel.Warning, "The shared cache tier could not be read ({Area}); the store answers instead.")]
    public static partial void SharedCacheReadFailed(ILogger logger, Exception exception, string area);

    [LoggerMessage(61, LogLevel.Warning, "The shared cache tier could not be written ({Area}); its entry is left to expire.")]
    public static partial void SharedCacheWriteFailed(ILogger logger, Exception exception, string area);

    [LoggerMessage(62, LogLevel.Warning, "Other hosts could not be told that {Area} changed; their memory tiers keep the old value until it expires.")]
    public static partial void InvalidationPublishFailed(ILogger logger, Exception exception, string area);

    [LoggerMessage(63, LogLevel.Debug, "Another host holds the lookup lease of a number at {Provider}; waiting for its answer.")]
    public static partial void LookupLeaseWaiting(ILogger logger, string provider);

    [LoggerMessage(64, LogLevel.Warning, "The lookup lease could not be taken or released ({Provider}); this host looks the number up without it.")]
    public static partial void LookupLeaseFailed(ILogger logger, Exception exception, string provider);
}
