using PhoneHub.Guards.OptOuts;
using PhoneHub.Guards.Pumping;
using PhoneHub.Guards.QuietHours;
using PhoneHub.Guards.Segments;
using PhoneHub.Guards.Spend;

namespace PhoneHub.Guards;

/// <summary>
/// A config's settings for the rules every send goes through (<see cref="Configuration.PhoneConfig.Guards"/>): opt-out,
/// quiet hours, encoding and segments, the SMS-pumping guard and spend limits. The defaults honour opt-outs, allow every
/// destination country and leave the optional rules off.
/// </summary>
public sealed record SendGuardSettings
{
    /// <summary>The defaults.</summary>
    public static SendGuardSettings Default { get; } = new();

    /// <summary>Opt-out keywords' replies (the list itself is always honoured).</summary>
    public OptOutSettings OptOut { get; init; } = new();

    /// <summary>The recipient's allowed local window; off by default.</summary>
    public QuietHoursSettings QuietHours { get; init; } = new();

    /// <summary>Smart encoding and the segment ceiling; both off by default.</summary>
    public SegmentSettings Segments { get; init; } = new();

    /// <summary>Destination countries, prefix velocity and the provider's pumping-risk score.</summary>
    public PumpingSettings Pumping { get; init; } = new();

    /// <summary>The group's daily and monthly spend limits; none by default.</summary>
    public SpendSettings Spend { get; init; } = new();
}
