namespace PhoneHub.Verification;

/// <summary>
/// Proves that a user holds a phone number with a one-time code sent through the send pipeline (any configured
/// provider, per group). Codes come from a cryptographic random source and are kept only as keyed hashes; a
/// verification answers at most <see cref="VerificationOptions.MaxChecks"/> checks and is approved at most once; a
/// number gets at most <see cref="VerificationOptions.MaxStartsPerNumber"/> codes per <see cref="VerificationOptions.StartWindow"/>.
/// </summary>
public interface IVerificationService
{
    /// <summary>
    /// Starts a verification and queues its code as a message through the config that applies to the group, marked
    /// exempt from quiet hours (the recipient is waiting for it); the pipeline's other rules apply as to any send. While
    /// the number has a live verification in the group, a start is a resend: a new code replaces the old one and the
    /// lifetime does not restart.
    /// </summary>
    /// <param name="phoneNumber">The number, as written.</param>
    /// <param name="group">The group; <see langword="null"/> uses the system default config.</param>
    /// <param name="options">Choices for this start; unset values come from the options and the config's settings.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification and whether it was a resend.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The number is not valid.</exception>
    /// <exception cref="PhoneHubValidationException">An option is out of range.</exception>
    /// <exception cref="VerificationLimitException">Too many codes were sent to the number (<see cref="VerificationReasons.TooManyStarts"/>, with when to retry).</exception>
    /// <exception cref="VerificationUnavailableException">No code key is configured.</exception>
    /// <exception cref="Configuration.PhoneConfigNotFoundException">No config applies.</exception>
    Task<VerificationStartResult> StartAsync(string phoneNumber, string? group = null, VerificationStartOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Checks a code against a verification (by id) or a number's latest verification in the group.</summary>
    /// <param name="request">The number or id, and the code.</param>
    /// <param name="group">The group; a verification of another group is not found.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Approved, pending (wrong code), expired, too many attempts or not found, with a stable reason code.</returns>
    /// <exception cref="Normalization.InvalidPhoneNumberException">The number is not valid.</exception>
    /// <exception cref="PhoneHubValidationException">Neither number nor id, or no code.</exception>
    /// <exception cref="VerificationUnavailableException">No code key is configured.</exception>
    Task<VerificationCheckResult> CheckAsync(VerificationCheckRequest request, string? group = null, CancellationToken cancellationToken = default);

    /// <summary>Checks a code against the number's latest verification in the group.</summary>
    /// <param name="phoneNumber">The number, as written.</param>
    /// <param name="code">The code the user typed.</param>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What the check answered.</returns>
    Task<VerificationCheckResult> CheckAsync(string phoneNumber, string code, string? group = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a pending verification; its code is no longer accepted.</summary>
    /// <param name="verificationId">The id.</param>
    /// <param name="group">The group; a verification of another group is not found.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification after the call, or <see langword="null"/> when not found.</returns>
    Task<PhoneVerification?> CancelAsync(long verificationId, string? group = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a verification.</summary>
    /// <param name="verificationId">The id.</param>
    /// <param name="group">The group; a verification of another group is not found.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification, or <see langword="null"/>.</returns>
    Task<PhoneVerification?> GetAsync(long verificationId, string? group = null, CancellationToken cancellationToken = default);

    /// <summary>Conversion (approved / started) by country or prefix; the same figures the metrics count.</summary>
    /// <param name="query">Filters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The figures, most started first.</returns>
    Task<IReadOnlyList<VerificationConversion>> GetConversionAsync(VerificationConversionQuery query, CancellationToken cancellationToken = default);
}
