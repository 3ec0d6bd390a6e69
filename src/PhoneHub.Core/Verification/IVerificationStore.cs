namespace PhoneHub.Verification;

/// <summary>
/// Holds verifications. Every write that decides something (a start against the send limit, a check against the check
/// limit, an approval) is one atomic, conditional statement or transaction, so concurrent callers in several processes
/// cannot exceed a limit or approve twice. A host's own implementation must keep that property.
/// </summary>
public interface IVerificationStore
{
    /// <summary>
    /// Atomically: counts the codes sent to the number in the group after <see cref="VerificationStartWrite.WindowStart"/>;
    /// at <see cref="VerificationStartWrite.MaxStarts"/> refuses (with when the oldest of them leaves the window); else
    /// gives the live verification (pending and not expired) the new code, or creates one; and records the send.
    /// </summary>
    /// <param name="start">What to write.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification written, or the refusal.</returns>
    Task<VerificationStartRecord> StartAsync(VerificationStartWrite start, CancellationToken cancellationToken = default);

    /// <summary>Gets a verification with its stored code hash.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification, or <see langword="null"/>.</returns>
    Task<StoredVerification?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The newest verification of a number in a group.</summary>
    /// <param name="group">The group.</param>
    /// <param name="phoneNumber">The number in E.164.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification, or <see langword="null"/>.</returns>
    Task<StoredVerification?> FindLatestAsync(string? group, string phoneNumber, CancellationToken cancellationToken = default);

    /// <summary>Counts one check if the verification is pending, unexpired at <paramref name="now"/> and has checks left; conditional and atomic.</summary>
    /// <param name="id">The verification.</param>
    /// <param name="maxChecks">The checks allowed.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The checks after this one, or <see langword="null"/> when the check was not counted.</returns>
    Task<int?> TryCountCheckAsync(long id, int maxChecks, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Approves the verification if it is still pending and unexpired and its code is still the one with
    /// <paramref name="codeSalt"/> (a resend replaces it); conditional and atomic, so it succeeds at most once.
    /// </summary>
    /// <param name="id">The verification.</param>
    /// <param name="codeSalt">The salt of the code that matched.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The approved verification, or <see langword="null"/> when another check or change came first.</returns>
    Task<PhoneVerification?> TryApproveAsync(long id, byte[] codeSalt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks a pending verification that used all its checks as such.</summary>
    /// <param name="id">The verification.</param>
    /// <param name="maxChecks">The checks allowed.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task MarkAttemptsUsedAsync(long id, int maxChecks, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records the message that carries the verification's latest code.</summary>
    /// <param name="id">The verification.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task SetMessageAsync(long id, long messageId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Cancels a pending verification.</summary>
    /// <param name="id">The verification.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verification after the call (canceled, or as it was when it was no longer pending), or <see langword="null"/>.</returns>
    Task<PhoneVerification?> CancelAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Verifications started and approved, by country or prefix, most started first (at most 500 rows).</summary>
    /// <param name="query">Filters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The figures.</returns>
    Task<IReadOnlyList<VerificationConversion>> GetConversionAsync(VerificationConversionQuery query, CancellationToken cancellationToken = default);
}

/// <summary>A verification with the salt and keyed hash of its current code (never the code).</summary>
/// <param name="Verification">The verification.</param>
/// <param name="CodeSalt">The salt of the current code.</param>
/// <param name="CodeHash">HMAC-SHA256 of salt and code under the server key.</param>
public sealed record StoredVerification(PhoneVerification Verification, byte[] CodeSalt, byte[] CodeHash);

/// <summary>A start as <see cref="IVerificationStore.StartAsync"/> writes it.</summary>
public sealed record VerificationStartWrite
{
    /// <summary>The group.</summary>
    public string? Group { get; init; }

    /// <summary>The number in E.164.</summary>
    public required string PhoneNumber { get; init; }

    /// <summary>The number's region.</summary>
    public string? Country { get; init; }

    /// <summary>The number's prefix.</summary>
    public required string Prefix { get; init; }

    /// <summary>Digits of the new code.</summary>
    public int CodeLength { get; init; }

    /// <summary>The new code's salt.</summary>
    public required byte[] CodeSalt { get; init; }

    /// <summary>The new code's keyed hash.</summary>
    public required byte[] CodeHash { get; init; }

    /// <summary>The time of the start.</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>When a new verification expires (a reused one keeps its expiry).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Sends after this time count against <see cref="MaxStarts"/>.</summary>
    public DateTimeOffset WindowStart { get; init; }

    /// <summary>The sends allowed within the window.</summary>
    public int MaxStarts { get; init; }
}

/// <summary>What <see cref="IVerificationStore.StartAsync"/> did.</summary>
/// <param name="Verification">The verification written; <see langword="null"/> when refused.</param>
/// <param name="Resent">Whether a live verification was reused.</param>
/// <param name="OldestSendInWindow">When refused: the oldest send still in the window.</param>
public sealed record VerificationStartRecord(PhoneVerification? Verification, bool Resent, DateTimeOffset? OldestSendInWindow);
