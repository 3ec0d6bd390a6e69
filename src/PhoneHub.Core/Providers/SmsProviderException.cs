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

    /// <summary>
    /// What the refusal is about. <see cref="SmsFailureScope.Provider"/>: the provider, the account, the credentials or the
    /// config refused before looking at this message (or could not be reached), so it was certainly not sent and another
    /// config may send it (failover). <see cref="SmsFailureScope.Message"/>: this message was refused (a bad number, an
    /// opted-out recipient) and would be refused anywhere.
    /// </summary>
    public SmsFailureScope Scope { get; init; } = SmsFailureScope.Message;

    /// <summary>Whether the provider throttled the request (it did not take the message): the sender should slow down and send it again.</summary>
    public bool Throttled { get; init; }

    /// <summary>How long the provider asked to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>What a provider's refusal of a send is about (see <see cref="SmsProviderException.Scope"/>).</summary>
public enum SmsFailureScope
{
    /// <summary>This message was refused.</summary>
    Message,

    /// <summary>The provider, account, credentials or config refused (or the provider was unreachable); the message was not sent.</summary>
    Provider,
}
