namespace PhoneHub.AspNetCore.Errors;

/// <summary>
/// The stable values of the <c>code</c> extension on PhoneHub's problem documents, for clients that branch on errors.
/// Invalid phone numbers use the codes of <see cref="Normalization.InvalidPhoneNumberException.Code"/> (for example <c>too_short</c>).
/// </summary>
public static class PhoneHubProblemCodes
{
    /// <summary>One or more fields are invalid; see <c>errors</c>.</summary>
    public const string ValidationFailed = "validation_failed";

    /// <summary>The body is not valid JSON or does not match the expected shape.</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>The body is not JSON (Content-Type must be application/json).</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    /// <summary>The body is larger than the routes accept.</summary>
    public const string BodyTooLarge = "body_too_large";

    /// <summary>The resource does not exist, or belongs to another group.</summary>
    public const string NotFound = "not_found";

    /// <summary>The caller is not authenticated.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The caller lacks a permission.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>No active config applies to the caller's group, and there is no active system default.</summary>
    public const string ConfigNotFound = "config_not_found";

    /// <summary>A config would claim a number, messaging service, account or topic that an active config of another group holds.</summary>
    public const string IdentityConflict = "identity_conflict";

    /// <summary>The config names a provider this server does not offer (503).</summary>
    public const string ProviderNotRegistered = "provider_not_registered";

    /// <summary>Credentials cannot be stored or read on this server right now (503).</summary>
    public const string CredentialsUnavailable = "credentials_unavailable";

    /// <summary>The idempotency key was already used in the group for a different request (422).</summary>
    public const string IdempotencyConflict = "idempotency_conflict";

    /// <summary>The message cannot be canceled: it is being sent or is already final (409).</summary>
    public const string NotCancelable = "not_cancelable";

    /// <summary>A bulk upload is not CSV of the expected shape (400).</summary>
    public const string InvalidCsv = "invalid_csv";

    /// <summary>The lookup provider failed and nothing is cached for the number.</summary>
    public const string LookupFailed = "lookup_failed";

    /// <summary>An unexpected error; details are in the server log only.</summary>
    public const string InternalError = "internal_error";
}
