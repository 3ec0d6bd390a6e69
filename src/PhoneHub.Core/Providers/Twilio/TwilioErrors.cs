using System.Net;

namespace PhoneHub.Providers.Twilio;

/// <summary>Twilio's error document (<c>{"code": 21211, "message": "...", "more_info": "...", "status": 400}</c>).</summary>
/// <param name="Code">Twilio's numeric error code (see <see cref="MoreInfo"/>), when the body had one.</param>
/// <param name="Message">Twilio's description.</param>
/// <param name="MoreInfo">The documentation URL of <see cref="Code"/>.</param>
/// <param name="Status">The HTTP status Twilio reported in the body.</param>
public sealed record TwilioError(int? Code, string? Message, string? MoreInfo, int? Status);

/// <summary>Thrown when Twilio refuses a message create; <see cref="SmsProviderException.ErrorCode"/> is Twilio's numeric code (for example <c>21211</c>), or <c>http_&lt;status&gt;</c> when the answer had none.</summary>
public sealed class TwilioApiException : SmsProviderException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status of Twilio's answer.</param>
    /// <param name="error">Twilio's error document, when the body held one.</param>
    /// <param name="message">A description, safe to store and show.</param>
    public TwilioApiException(HttpStatusCode statusCode, TwilioError? error, string message)
        : base(error?.Code is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : HttpCode(statusCode), message)
    {
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>The HTTP status of Twilio's answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Twilio's error document, when the body held one.</summary>
    public TwilioError? Error { get; }

    internal static string HttpCode(HttpStatusCode statusCode) => "http_" + ((int)statusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Thrown when a Twilio lookup fails; <see cref="PhoneLookupException.ErrorCode"/> is one of <see cref="TwilioLookupErrorCodes"/>.</summary>
public sealed class TwilioLookupException : PhoneLookupException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">One of <see cref="TwilioLookupErrorCodes"/>.</param>
    /// <param name="message">A description, safe to show.</param>
    /// <param name="statusCode">The HTTP status of Twilio's answer, when there was one.</param>
    /// <param name="error">Twilio's error document, when the body held one.</param>
    /// <param name="innerException">The underlying cause.</param>
    public TwilioLookupException(string errorCode, string message, HttpStatusCode? statusCode = null, TwilioError? error = null, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>The HTTP status of Twilio's answer, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Twilio's error document, when the body held one.</summary>
    public TwilioError? Error { get; }
}

/// <summary>Stable error codes of <see cref="TwilioLookupException"/>.</summary>
public static class TwilioLookupErrorCodes
{
    /// <summary>The config has no Twilio account SID with an auth token or API key.</summary>
    public const string MissingCredentials = ConnectionErrorCodes.MissingCredentials;

    /// <summary>Twilio rejected the credentials (401/403), or the account SID is malformed.</summary>
    public const string InvalidCredentials = ConnectionErrorCodes.InvalidCredentials;

    /// <summary>Twilio throttled the lookup (429) and retries did not help.</summary>
    public const string Throttled = ConnectionErrorCodes.Throttled;

    /// <summary>Twilio could not be reached, or did not answer in time.</summary>
    public const string Unreachable = ConnectionErrorCodes.Unreachable;

    /// <summary>Twilio does not know the number (404).</summary>
    public const string NotFound = "not_found";

    /// <summary>Twilio refused the request as malformed (other 4xx).</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>Twilio answered 2xx with a body that is not a lookup result.</summary>
    public const string InvalidResponse = "invalid_response";

    /// <summary>Twilio failed (5xx) and retries did not help.</summary>
    public const string ProviderError = ConnectionErrorCodes.ProviderError;
}
