namespace PhoneHub.Security;

/// <summary>Thrown when credentials cannot be stored or read: no encryption key is configured, or it is the wrong key.</summary>
public sealed class CredentialsUnavailableException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public CredentialsUnavailableException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
