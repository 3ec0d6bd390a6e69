namespace PhoneHub.Providers.AwsSms;

/// <summary>
/// Stable error codes of the <c>aws-sms</c> provider (AWS End User Messaging SMS), as stored on messages and returned in
/// <see cref="SmsProviderException.ErrorCode"/>. AWS's own error type and reason are kept in the message text; these codes
/// are what callers branch on.
/// </summary>
public static class AwsSmsErrorCodes
{
    // ---- Sends: outcome ----

    /// <summary>The send may have been accepted (timeout, 5xx, dropped connection, unreadable success answer); it was not re-sent.</summary>
    public const string OutcomeUnknown = "outcome_unknown";

    /// <summary>AWS could not be reached (name resolution or connection failed), so nothing was sent.</summary>
    public const string Unreachable = ConnectionErrorCodes.Unreachable;

    /// <summary>The send was a dry run: AWS validated the message and did not deliver it.</summary>
    public const string DryRun = "dry_run";

    // ---- Sends and other calls: AWS refused ----

    /// <summary>The recipient opted out (<c>ConflictException</c> with reason <c>DESTINATION_PHONE_NUMBER_OPTED_OUT</c>).</summary>
    public const string OptedOut = "opted_out";

    /// <summary>The account is in the sandbox and the recipient is not a verified destination (<c>DESTINATION_PHONE_NUMBER_NOT_VERIFIED</c>).</summary>
    public const string DestinationNotVerified = "destination_not_verified";

    /// <summary>A protect configuration or country rule blocks the destination (<c>DESTINATION_COUNTRY_BLOCKED*</c>, <c>DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE</c>).</summary>
    public const string DestinationBlocked = "destination_blocked";

    /// <summary>The message would cost more than the configured maximum price (<c>ValidationException</c> with reason <c>PRICE_OVER_THRESHOLD</c>).</summary>
    public const string PriceOverMax = "price_over_max";

    /// <summary>AWS throttled the call (<c>ThrottlingException</c>).</summary>
    public const string Throttled = ConnectionErrorCodes.Throttled;

    /// <summary>A service quota is exhausted, for example the monthly spend limit (<c>ServiceQuotaExceededException</c>).</summary>
    public const string QuotaExceeded = "quota_exceeded";

    /// <summary>AWS refused the request as malformed (<c>ValidationException</c> with another reason).</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>A named resource (origination identity, configuration set, protect configuration, opt-out list) does not exist (<c>ResourceNotFoundException</c>).</summary>
    public const string ResourceNotFound = "resource_not_found";

    /// <summary>The request conflicts with the state of a resource (<c>ConflictException</c> with another reason, such as <c>MESSAGE_TYPE_MISMATCH</c>).</summary>
    public const string Conflict = "conflict";

    /// <summary>The credentials lack permission for the action (<c>AccessDeniedException</c> without an account reason).</summary>
    public const string AccessDenied = "access_denied";

    /// <summary>The account is disabled or restricted (<c>AccessDeniedException</c> with reason <c>ACCOUNT_DISABLED</c> or <c>INSUFFICIENT_ACCOUNT_REPUTATION</c>).</summary>
    public const string AccountInactive = ConnectionErrorCodes.AccountInactive;

    /// <summary>AWS refused the credentials or the signature (unknown key, bad signature, expired token).</summary>
    public const string InvalidCredentials = ConnectionErrorCodes.InvalidCredentials;

    /// <summary>No credentials are stored and the host has none.</summary>
    public const string MissingCredentials = ConnectionErrorCodes.MissingCredentials;

    /// <summary>The config or the host options are incomplete for this call (no region, no origination identity for MMS, a malformed sender).</summary>
    public const string InvalidConfig = ConnectionErrorCodes.InvalidConfig;

    /// <summary>The media cannot be sent: AWS takes one <c>s3://</c> URL per message.</summary>
    public const string MediaNotSupported = "media_not_supported";

    /// <summary>AWS answered with an error not covered above.</summary>
    public const string ProviderError = ConnectionErrorCodes.ProviderError;

    // ---- Delivery events: why a message did not arrive ----

    /// <summary>The recipient's device or carrier blocked the message (<c>TEXT_BLOCKED</c>).</summary>
    public const string Blocked = "blocked";

    /// <summary>The recipient's carrier blocked the message as malicious or abusive (<c>TEXT_CARRIER_BLOCKED</c>).</summary>
    public const string CarrierBlocked = "carrier_blocked";

    /// <summary>The recipient's carrier classed the message as unsolicited commercial content (<c>TEXT_SPAM</c>).</summary>
    public const string Spam = "spam";

    /// <summary>The account's protect configuration blocked the message (<c>TEXT_PROTECT_BLOCKED</c>).</summary>
    public const string ProtectBlocked = "protect_blocked";

    /// <summary>The message was not handed to the carrier before its time to live ran out (<c>TEXT_TTL_EXPIRED</c>).</summary>
    public const string TtlExpired = "ttl_expired";

    /// <summary>The recipient's carrier network had an error (<c>TEXT_CARRIER_UNREACHABLE</c>).</summary>
    public const string CarrierUnreachable = "carrier_unreachable";

    /// <summary>The recipient's device was not reachable, for example switched off (<c>TEXT_UNREACHABLE</c>).</summary>
    public const string DestinationUnreachable = "destination_unreachable";

    /// <summary>The destination number is not valid (<c>TEXT_INVALID</c>).</summary>
    public const string InvalidDestination = "invalid_destination";

    /// <summary>The message body is not valid and could not be sent (<c>TEXT_INVALID_MESSAGE</c>).</summary>
    public const string InvalidMessage = "invalid_message";

    /// <summary>
    /// AWS does not know what happened to the message (<c>TEXT_UNKNOWN</c>, or status <c>UNKNOWN</c>, which AWS reports
    /// when no final carrier event arrived within 72 hours). Stored as failed: delivery was never confirmed.
    /// </summary>
    public const string DeliveryUnknown = "delivery_unknown";

    /// <summary>AWS could not read the MMS media file (<c>MEDIA_FILE_INACCESSIBLE</c>).</summary>
    public const string MediaInaccessible = "media_inaccessible";

    /// <summary>The MMS media file type is not supported (<c>MEDIA_FILE_TYPE_UNSUPPORTED</c>).</summary>
    public const string MediaTypeUnsupported = "media_type_unsupported";

    /// <summary>The MMS media file is too large (<c>MEDIA_FILE_SIZE_EXCEEDED</c>).</summary>
    public const string MediaTooLarge = "media_too_large";
}
