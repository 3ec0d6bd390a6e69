namespace PhoneHub.Guards;

/// <summary>
/// The stable reason codes of the send guards. A refused send is stored as <c>failed</c> with the code as its
/// <see cref="Messaging.SmsMessage.ErrorCode"/> and never reaches a provider; a deferred one waits (<c>scheduled</c>)
/// with the code until it goes.
/// </summary>
public static class GuardReasons
{
    /// <summary>The recipient opted out (a keyword, the API, or a provider's opt-out refusal). Refused.</summary>
    public const string OptedOut = "opted_out";

    /// <summary>Outside the config's allowed local window in the recipient's time zone(s). Deferred to the next allowed moment.</summary>
    public const string QuietHours = "quiet_hours";

    /// <summary>The recipient's country is not on the config's allow-list. Refused.</summary>
    public const string CountryNotAllowed = "country_not_allowed";

    /// <summary>Too many messages to numbers sharing the recipient's prefix within the window. Refused.</summary>
    public const string PrefixVelocity = "prefix_velocity";

    /// <summary>The provider's SMS-pumping risk score for the recipient is at or above the config's threshold. Refused.</summary>
    public const string PumpingRisk = "pumping_risk";

    /// <summary>The group's daily or monthly spend limit is reached. Deferred to the next period, or refused, as the config says.</summary>
    public const string SpendLimit = "spend_limit";

    /// <summary>The body takes more segments than the config allows. Refused.</summary>
    public const string SegmentLimit = "segment_limit";
}
