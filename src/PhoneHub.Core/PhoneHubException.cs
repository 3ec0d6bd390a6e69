namespace PhoneHub;

/// <summary>Base type of every exception PhoneHub throws on purpose, so hosts can catch them together.</summary>
public abstract class PhoneHubException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong, for a person.</param>
    protected PhoneHubException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong, for a person.</param>
    /// <param name="innerException">The underlying cause.</param>
    protected PhoneHubException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
