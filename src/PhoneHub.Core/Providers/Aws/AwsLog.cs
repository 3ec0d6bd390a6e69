using Microsoft.Extensions.Logging;

namespace PhoneHub.Providers.Aws;

/// <summary>The AWS provider's log lines (event ids 400-419). Never credentials, numbers or bodies: ids, codes and statuses only.</summary>
internal static partial class AwsLog
{
    [LoggerMessage(400, LogLevel.Debug, "SNS Publish for message {MessageId} in {Region} with {CredentialSource} credentials.")]
    public static partial void Publishing(ILogger logger, long messageId, string region, string credentialSource);

    [LoggerMessage(401, LogLevel.Information, "SNS accepted message {MessageId} as {ProviderMessageId}.")]
    public static partial void Published(ILogger logger, long messageId, string providerMessageId);

    [LoggerMessage(402, LogLevel.Warning, "SNS rejected message {MessageId}: {ErrorCode} (HTTP {StatusCode}).")]
    public static partial void PublishRejected(ILogger logger, long messageId, string errorCode, int statusCode);

    [LoggerMessage(403, LogLevel.Warning, "SNS Publish for message {MessageId} ended without a clear answer ({Reason}); it is not re-sent.")]
    public static partial void PublishOutcomeUnknown(ILogger logger, long messageId, string reason);

    [LoggerMessage(404, LogLevel.Warning, "No AWS credentials for config {ConfigId}: none stored and the default chain found none.")]
    public static partial void NoCredentials(ILogger logger, long configId);

    [LoggerMessage(405, LogLevel.Debug, "SNS connection test of config {ConfigId}: HTTP {StatusCode}, code {ErrorCode}.")]
    public static partial void ConnectionTested(ILogger logger, long configId, int statusCode, string? errorCode);

    [LoggerMessage(406, LogLevel.Warning, "SNS connection test of config {ConfigId} could not reach SNS ({Reason}).")]
    public static partial void ConnectionTestUnreachable(ILogger logger, long configId, string reason);

    [LoggerMessage(407, LogLevel.Warning, "The AWS default credential chain failed ({ExceptionType}); treated as no credentials.")]
    public static partial void DefaultChainFailed(ILogger logger, string exceptionType);
}
