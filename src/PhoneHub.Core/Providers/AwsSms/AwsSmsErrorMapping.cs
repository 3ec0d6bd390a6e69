using PhoneHub.Providers.Aws;

namespace PhoneHub.Providers.AwsSms;

/// <summary>
/// Turns the service's error shapes (service model: ValidationException, ConflictException, ThrottlingException,
/// ServiceQuotaExceededException, AccessDeniedException, ResourceNotFoundException, InternalServerException, with their
/// <c>Reason</c> enums) and AWS's common authentication errors into <see cref="AwsSmsErrorCodes"/>, and failed calls into
/// the exceptions and results PhoneHub hands on.
/// </summary>
internal static class AwsSmsErrorMapping
{
    private const int MaxStoredTextLength = 300;

    // Errors every AWS JSON endpoint answers before the service itself runs: the key, signature or token was refused.
    private static readonly HashSet<string> CredentialErrors = new(StringComparer.Ordinal)
    {
        "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException",
        "MissingAuthenticationToken", "MissingAuthenticationTokenException", "ExpiredToken", "ExpiredTokenException",
        "InvalidClientTokenId", "SignatureDoesNotMatch",
    };

    // Codes that refuse the account, credentials or the config's resources rather than one message.
    private static readonly HashSet<string> ProviderScoped = new(StringComparer.Ordinal)
    {
        AwsSmsErrorCodes.InvalidCredentials, AwsSmsErrorCodes.AccessDenied, AwsSmsErrorCodes.AccountInactive,
        AwsSmsErrorCodes.QuotaExceeded, AwsSmsErrorCodes.ResourceNotFound,
    };

    /// <summary>The PhoneHub code for an error document.</summary>
    public static string Code(AwsSmsError error)
    {
        switch (error.Type)
        {
            case "ConflictException":
                return error.Reason switch
                {
                    "DESTINATION_PHONE_NUMBER_OPTED_OUT" => AwsSmsErrorCodes.OptedOut,
                    "DESTINATION_PHONE_NUMBER_NOT_VERIFIED" => AwsSmsErrorCodes.DestinationNotVerified,
                    "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION" or "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE" => AwsSmsErrorCodes.DestinationBlocked,
                    _ => AwsSmsErrorCodes.Conflict,
                };
            case "ValidationException":
                return error.Reason switch
                {
                    "PRICE_OVER_THRESHOLD" => AwsSmsErrorCodes.PriceOverMax,
                    "DESTINATION_COUNTRY_BLOCKED" => AwsSmsErrorCodes.DestinationBlocked,
                    _ => AwsSmsErrorCodes.InvalidRequest,
                };
            case "ServiceQuotaExceededException":
                return AwsSmsErrorCodes.QuotaExceeded;
            case "AccessDeniedException":
                return error.Reason is "ACCOUNT_DISABLED" or "INSUFFICIENT_ACCOUNT_REPUTATION" ? AwsSmsErrorCodes.AccountInactive : AwsSmsErrorCodes.AccessDenied;
            case "ResourceNotFoundException":
                return AwsSmsErrorCodes.ResourceNotFound;
            case { } type when CredentialErrors.Contains(type):
                return AwsSmsErrorCodes.InvalidCredentials;
        }

        if (error.IsThrottling)
        {
            return AwsSmsErrorCodes.Throttled;
        }

        return error.StatusCode is 401 or 403 ? AwsSmsErrorCodes.InvalidCredentials : AwsSmsErrorCodes.ProviderError;
    }

    /// <summary>
    /// What a failed send means. A refusal (4xx) is definite; no connection is definite too (nothing left this machine);
    /// everything else may have been accepted, so it is <c>outcome_unknown</c> and must not be re-sent.
    /// </summary>
    public static SmsProviderException ForSend(AwsSmsApiException failure, AwsCredentials credentials)
    {
        switch (failure.Failure)
        {
            case AwsSmsFailure.Rejected:
                var error = failure.Error!;
                var code = Code(error);
                return new SmsProviderException(code, $"AWS End User Messaging refused the message: {Describe(error, credentials)}")
                {
                    // A refusal of the account, key or config (not of this message) proves it was not sent: the
                    // dispatcher may fail over. A throttle means "not now": the sender slows down and sends it later.
                    Scope = ProviderScoped.Contains(code) ? SmsFailureScope.Provider : SmsFailureScope.Message,
                    Throttled = error.IsThrottling,
                };
            case AwsSmsFailure.NotConnected:
                return new SmsProviderException(AwsSmsErrorCodes.Unreachable, $"{failure.Message} The message was not sent.", outcomeUnknown: false, failure)
                {
                    Scope = SmsFailureScope.Provider,
                };
            default:
                var why = failure.Failure switch
                {
                    AwsSmsFailure.ServerError => $"AWS answered HTTP {failure.Error!.StatusCode} ({failure.Error.Describe()})",
                    AwsSmsFailure.Timeout => "AWS did not answer in time (timeout)",
                    AwsSmsFailure.InvalidResponse => "AWS's success answer could not be read",
                    _ => "the connection failed during the send",
                };
                return new SmsProviderException(AwsSmsErrorCodes.OutcomeUnknown, $"{why}; AWS may have accepted the message, so it was not re-sent.", outcomeUnknown: true, failure);
        }
    }

    /// <summary>What a failed call other than a send means: nothing depends on whether it ran, so there is no unknown outcome.</summary>
    public static SmsProviderException ForCall(AwsSmsApiException failure, AwsCredentials credentials) => failure.Failure switch
    {
        AwsSmsFailure.Rejected => new SmsProviderException(Code(failure.Error!), $"AWS End User Messaging refused {failure.Action}: {Describe(failure.Error!, credentials)}"),
        AwsSmsFailure.NotConnected or AwsSmsFailure.Timeout or AwsSmsFailure.NetworkFailure =>
            new SmsProviderException(AwsSmsErrorCodes.Unreachable, failure.Message, outcomeUnknown: false, failure),
        _ => new SmsProviderException(AwsSmsErrorCodes.ProviderError, failure.Message, outcomeUnknown: false, failure),
    };

    /// <summary>A connection test's result for a failed <c>DescribeAccountAttributes</c>.</summary>
    public static ConnectionTestResult ForConnectionTest(AwsSmsApiException failure, AwsCredentials credentials)
    {
        if (failure.Failure is AwsSmsFailure.NotConnected or AwsSmsFailure.Timeout or AwsSmsFailure.NetworkFailure)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.Unreachable, failure.Message);
        }

        if (failure.Error is not { } error)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.ProviderError, failure.Message);
        }

        var described = Describe(error, credentials);
        return Code(error) switch
        {
            AwsSmsErrorCodes.InvalidCredentials => ConnectionTestResult.Fail(ConnectionErrorCodes.InvalidCredentials, $"AWS refused the credentials: {described}"),
            AwsSmsErrorCodes.AccessDenied => ConnectionTestResult.Fail(ConnectionErrorCodes.InvalidCredentials,
                $"The credentials may not call sms-voice:DescribeAccountAttributes: {described}"),
            AwsSmsErrorCodes.AccountInactive => ConnectionTestResult.Fail(ConnectionErrorCodes.AccountInactive, $"The AWS account cannot send: {described}"),
            AwsSmsErrorCodes.Throttled => ConnectionTestResult.Fail(ConnectionErrorCodes.Throttled, $"AWS throttled the connection test ({error.Describe()}); try again later."),
            _ => ConnectionTestResult.Fail(ConnectionErrorCodes.ProviderError, $"AWS answered with an error: {described}"),
        };
    }

    /// <summary>Type, reason and AWS's text, made safe to store: secrets removed, bounded length.</summary>
    public static string Describe(AwsSmsError error, AwsCredentials credentials)
    {
        var text = error.Type is "InvalidSignatureException" or "SignatureDoesNotMatch"
            // That answer quotes the canonical request (headers included); a fixed text is enough to act on.
            ? "the request signature does not match; check the secret access key and the host's clock."
            : error.Message;
        if (error.Fields.Count > 0 && error.Fields[0].Name is { } field)
        {
            text = $"{text} (field {field}{(error.Fields[0].Message is { } why ? ": " + why : "")})";
        }

        var described = error.Describe() + (string.IsNullOrWhiteSpace(text) ? "" : ": " + text.Trim());
        described = described.Replace(credentials.SecretAccessKey, "***", StringComparison.Ordinal);
        if (credentials.SessionToken is { } token)
        {
            described = described.Replace(token, "***", StringComparison.Ordinal);
        }

        return described.Length <= MaxStoredTextLength ? described : string.Concat(described.AsSpan(0, MaxStoredTextLength), "…");
    }
}
