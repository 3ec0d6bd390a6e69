namespace PhoneHub.Providers;

/// <summary>Thrown by an <see cref="ISmsProvider"/> when a send fails.</summary>
public class SmsProviderException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">The provider's error code (for example Twilio's <c>21211</c>) or a PhoneHub code such as <c>outcome_unknown</c>.</param>
    /// <param name="message">A description, safe to store and show (no secrets).</param>
    /// <param name="outcomeUnknown">Whether the provider may have accepted the message anyway (timeouts, 5xx): such sends must not be retried blindly.</param>
    /// <param name="innerException">The underlying cause.</param>
    public SmsProviderException(string errorCode, string message, bool outcomeUnknown = false, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        OutcomeUnknown = outcomeUnknown;
    }

    /// <summary>The error code stored on the message.</summary>
    public string ErrorCode { get; }

    /// <summary>Whether the provider may have accepted the message despite the failure.</summary>
    public bool OutcomeUnknown { get; }
}
