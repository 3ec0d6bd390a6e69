namespace PhoneHub.Verification;

/// <summary>A verification was refused by a limit; <see cref="Reason"/> is stable, <see cref="RetryAfter"/> says when waiting helps.</summary>
public sealed class VerificationLimitException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">The reason code (<see cref="VerificationReasons"/>).</param>
    /// <param name="message">What happened, for a person.</param>
    /// <param name="retryAfter">When a retry can succeed, if waiting helps.</param>
    public VerificationLimitException(string reason, string message, TimeSpan? retryAfter)
        : base(message)
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>The reason code.</summary>
    public string Reason { get; }

    /// <summary>How long to wait before a retry can succeed; <see langword="null"/> when waiting does not help.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>Verification is not configured on this server: <see cref="VerificationOptions.CodeKey"/> is not set.</summary>
public sealed class VerificationUnavailableException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    public VerificationUnavailableException()
        : base("Verification is not configured on this server: set 'PhoneHub:Verification:CodeKey' (at least 32 random bytes, base64).")
    {
    }
}
