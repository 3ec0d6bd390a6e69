namespace PhoneHub.Guards.Pumping;

/// <summary>
/// A config's SMS-pumping guard: which countries it may text, how fast numbers sharing a prefix may be texted, and
/// (for Twilio configs) the provider's pumping-risk score. Blocked sends never reach the provider.
/// </summary>
public sealed record PumpingSettings
{
    /// <summary>The value of <see cref="AllowedCountries"/> that allows every country.</summary>
    public const string AnyCountry = "*";

    /// <summary>
    /// The ISO 3166-1 regions the config may send to (for example <c>["US", "CA"]</c>), or <c>["*"]</c> for any. Default
    /// (<see langword="null"/>): every country, so configs that sent abroad before the guards keep doing so; list the
    /// countries you serve to close the rest (the usual defence against SMS pumping).
    /// </summary>
    public IReadOnlyList<string>? AllowedCountries { get; init; }

    /// <summary>At most so many messages to numbers sharing a prefix within a window; off by default.</summary>
    public PrefixVelocityLimit? PrefixVelocity { get; init; }

    /// <summary>
    /// Refuse recipients whose provider pumping-risk score (Twilio Lookup's <c>sms_pumping_risk</c>, 0 to 100) is at
    /// least this; off by default. Each new recipient costs one lookup (answers are kept for
    /// <see cref="SendGuardOptions.PumpingRiskCacheDuration"/>); when the lookup fails the send goes.
    /// </summary>
    public int? RiskScoreThreshold { get; init; }
}

/// <summary>A velocity limit per destination prefix: at most <see cref="MaxMessages"/> to numbers sharing the first <see cref="PrefixDigits"/> digits within <see cref="Window"/>.</summary>
public sealed record PrefixVelocityLimit
{
    /// <summary>How many leading digits of the E.164 number (country code included) make the prefix. Default 7 (for example <c>1415555</c>).</summary>
    public int PrefixDigits { get; init; } = 7;

    /// <summary>How many messages to one prefix pass within the window. Default 20.</summary>
    public int MaxMessages { get; init; } = 20;

    /// <summary>The sliding window. Default 1 hour.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);
}
