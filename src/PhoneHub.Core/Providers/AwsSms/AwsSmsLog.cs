using Microsoft.Extensions.Logging;

namespace PhoneHub.Providers.AwsSms;

/// <summary>The <c>aws-sms</c> provider's log lines (event ids 420-439). Never credentials, numbers or bodies: ids, codes and statuses only.</summary>
internal static partial class AwsSmsLog
{
    [LoggerMessage(420, LogLevel.Debug, "{Action} for message {MessageId} in {Region} with {CredentialSource} credentials.")]
    public static partial void Sending(ILogger logger, string action, long messageId, string region, string credentialSource);

    [LoggerMessage(421, LogLevel.Information, "AWS End User Messaging accepted message {MessageId} as {ProviderMessageId}{DryRunNote}.")]
    public static partial void Accepted(ILogger logger, long messageId, string providerMessageId, string dryRunNote);

    [LoggerMessage(422, LogLevel.Warning, "AWS End User Messaging refused message {MessageId}: {ErrorCode} ({AwsError}, HTTP {StatusCode}, request {RequestId}).")]
    public static partial void Refused(ILogger logger, long messageId, string errorCode, string awsError, int statusCode, string? requestId);

    [LoggerMessage(423, LogLevel.Warning, "{Action} for message {MessageId} ended without a clear answer ({Failure}); it is not re-sent.")]
    public static partial void OutcomeUnknown(ILogger logger, string action, long messageId, string failure);

    [LoggerMessage(424, LogLevel.Warning, "{Action} for message {MessageId} could not connect; the message was not sent.")]
    public static partial void NotConnected(ILogger logger, string action, long messageId);

    [LoggerMessage(425, LogLevel.Debug, "AWS End User Messaging connection test of config {ConfigId}: {Outcome}.")]
    public static partial void ConnectionTested(ILogger logger, long configId, string outcome);

    [LoggerMessage(426, LogLevel.Warning, "{Action} for config {ConfigId} failed: {Failure} {AwsError}.")]
    public static partial void CallFailed(ILogger logger, string action, long configId, string failure, string? awsError);
}
