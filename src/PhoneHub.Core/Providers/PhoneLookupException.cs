namespace PhoneHub.Providers;

/// <summary>Thrown when a provider lookup fails (the number is not stored in that case).</summary>
public class PhoneLookupException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">The provider's or PhoneHub's error code.</param>
    /// <param name="message">A description, safe to show.</param>
    /// <param name="innerException">The underlying cause.</param>
    public PhoneLookupException(string errorCode, string message, Exception? innerException = null) : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The error code.</summary>
    public string ErrorCode { get; }
}
