namespace PhoneHub.Verification;

/// <summary>A one-time-code verification of a phone number. The code itself is never kept: only a keyed hash of it.</summary>
public sealed record PhoneVerification
{
    /// <summary>The id.</summary>
    public long Id { get; init; }

    /// <summary>The group it belongs to; <see langword="null"/> for the system default.</summary>
    public string? Group { get; init; }

    /// <summary>The number being verified, in E.164.</summary>
    public required string PhoneNumber { get; init; }

    /// <summary>The number's region (ISO 3166-1), when known.</summary>
    public string? Country { get; init; }

    /// <summary>The number's leading digits used for conversion figures (see <see cref="VerificationOptions.PrefixDigits"/>).</summary>
    public required string Prefix { get; init; }

    /// <summary>Where it stands.</summary>
    public VerificationStatus Status { get; init; }

    /// <summary>How many digits the code has.</summary>
    public int CodeLength { get; init; }

    /// <summary>Checks made so far (at most <see cref="VerificationOptions.MaxChecks"/> are answered).</summary>
    public int Checks { get; init; }

    /// <summary>Codes sent so far (the first start and each resend).</summary>
    public int Sends { get; init; }

    /// <summary>The message that carried the latest code.</summary>
    public long? MessageId { get; init; }

    /// <summary>When it was started.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When its codes stop being accepted (a check at this instant or later answers expired).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it was approved.</summary>
    public DateTimeOffset? ApprovedAt { get; init; }

    /// <summary>Last change.</summary>
    public DateTimeOffset Modified { get; init; }

    /// <summary>Whether codes for it are still accepted at <paramref name="now"/>.</summary>
    /// <param name="now">The time.</param>
    /// <returns><see langword="true"/> when pending and not expired.</returns>
    public bool IsLive(DateTimeOffset now) => Status == VerificationStatus.Pending && now < ExpiresAt;
}

/// <summary>Where a verification stands.</summary>
public enum VerificationStatus
{
    /// <summary>A code was sent and may be checked.</summary>
    Pending,

    /// <summary>The right code was checked (once).</summary>
    Approved,

    /// <summary>Canceled by the application.</summary>
    Canceled,

    /// <summary>Every allowed check was used without the right code.</summary>
    MaxAttemptsReached,
}

/// <summary>What a check answered.</summary>
public enum VerificationOutcome
{
    /// <summary>The code was right: the number is verified. Answered once per verification.</summary>
    Approved,

    /// <summary>The code was wrong; the verification is still pending while checks remain.</summary>
    Pending,

    /// <summary>The verification's lifetime is over.</summary>
    Expired,

    /// <summary>Every allowed check was used; start a new verification.</summary>
    TooManyAttempts,

    /// <summary>No pending verification matches (none started, canceled, already approved, or another group's).</summary>
    NotFound,
}

/// <summary>
/// The stable reason codes of verification answers and refusals, for clients that branch on them (the REST routes
/// return them as <c>code</c>).
/// </summary>
public static class VerificationReasons
{
    /// <summary>The code was right.</summary>
    public const string Approved = "approved";

    /// <summary>The code was wrong.</summary>
    public const string IncorrectCode = "incorrect_code";

    /// <summary>The verification expired.</summary>
    public const string Expired = "verification_expired";

    /// <summary>Every allowed check was used.</summary>
    public const string MaxAttemptsReached = "max_attempts_reached";

    /// <summary>No pending verification matches.</summary>
    public const string NotFound = "verification_not_found";

    /// <summary>Too many starts for the number within the window; retry after the time given.</summary>
    public const string TooManyStarts = "too_many_starts";

    /// <summary>Verification is not configured on this server (no code key).</summary>
    public const string Unavailable = "verification_unavailable";

    /// <summary>The code's message could not be queued (its send pipeline refused it).</summary>
    public const string SendRefused = "send_refused";
}

/// <summary>Choices for one <see cref="IVerificationService.StartAsync"/>; unset values come from <see cref="VerificationOptions"/>.</summary>
public sealed record VerificationStartOptions
{
    /// <summary>Digits in the code, 4 to 10.</summary>
    public int? CodeLength { get; init; }

    /// <summary>How long the code is accepted, 1 minute to 24 hours.</summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>The application name shown in the message (<c>{app_name}</c> in the template).</summary>
    public string? AppName { get; init; }

    /// <summary>The message template; must contain <c>{code}</c>, may contain <c>{app_name}</c> and <c>{minutes}</c>.</summary>
    public string? MessageTemplate { get; init; }

    /// <summary>The user recorded with the message.</summary>
    public string? User { get; init; }
}

/// <summary>The result of a start.</summary>
/// <param name="Verification">The verification (new, or the live one a resend reused).</param>
/// <param name="Resent">Whether a live verification was reused: a new code replaced the old one, the lifetime did not restart.</param>
public sealed record VerificationStartResult(PhoneVerification Verification, bool Resent);

/// <summary>A code to check, for a number (its latest pending verification in the group) or a verification id.</summary>
public sealed record VerificationCheckRequest
{
    /// <summary>The number, as written; ignored when <see cref="VerificationId"/> is given.</summary>
    public string? PhoneNumber { get; init; }

    /// <summary>The verification id.</summary>
    public long? VerificationId { get; init; }

    /// <summary>The code the user typed.</summary>
    public required string Code { get; init; }
}

/// <summary>What a check answered.</summary>
/// <param name="Outcome">The answer.</param>
/// <param name="Reason">The stable reason code (<see cref="VerificationReasons"/>).</param>
/// <param name="Verification">The verification checked, when one was found.</param>
public sealed record VerificationCheckResult(VerificationOutcome Outcome, string Reason, PhoneVerification? Verification)
{
    /// <summary>Checks left on the verification.</summary>
    public int RemainingChecks { get; init; }
}

/// <summary>Filters for conversion figures.</summary>
public sealed record VerificationConversionQuery
{
    /// <summary>Only verifications started at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only verifications started before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this group's; ignored with <see cref="AllGroups"/>.</summary>
    public string? Group { get; init; }

    /// <summary>Every group's.</summary>
    public bool AllGroups { get; init; }

    /// <summary>Grouped by prefix (<see langword="true"/>) or by country.</summary>
    public bool ByPrefix { get; init; }
}

/// <summary>Verifications started and approved for one country or prefix. A falling rate is the signature of SMS pumping.</summary>
/// <param name="Key">The country (ISO 3166-1, or empty when unknown) or the prefix.</param>
/// <param name="Started">Verifications started.</param>
/// <param name="Approved">Of those, approved.</param>
public sealed record VerificationConversion(string Key, long Started, long Approved)
{
    /// <summary>Approved / started; 0 when none started.</summary>
    public double Rate => Started == 0 ? 0 : (double)Approved / Started;
}
