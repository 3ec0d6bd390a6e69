namespace PhoneHub.Lookup;

/// <summary>
/// The line types PhoneHub records, in Twilio Lookup v2's vocabulary (the most detailed one providers use),
/// plus <see cref="FixedLineOrMobile"/> for numbering plans that cannot tell the two apart from metadata.
/// </summary>
public static class LineTypes
{
    /// <summary>A mobile line.</summary>
    public const string Mobile = "mobile";

    /// <summary>A landline.</summary>
    public const string Landline = "landline";

    /// <summary>VoIP tied to a physical address.</summary>
    public const string FixedVoip = "fixedVoip";

    /// <summary>VoIP not tied to an address (for example app numbers).</summary>
    public const string NonFixedVoip = "nonFixedVoip";

    /// <summary>A toll-free number.</summary>
    public const string TollFree = "tollFree";

    /// <summary>A premium-rate number.</summary>
    public const string Premium = "premium";

    /// <summary>A shared-cost number.</summary>
    public const string SharedCost = "sharedCost";

    /// <summary>A universal access number.</summary>
    public const string Uan = "uan";

    /// <summary>A voicemail access number.</summary>
    public const string Voicemail = "voicemail";

    /// <summary>A pager.</summary>
    public const string Pager = "pager";

    /// <summary>A personal number.</summary>
    public const string Personal = "personal";

    /// <summary>Fixed line or mobile: the numbering plan does not say which (metadata-only lookups in the NANP).</summary>
    public const string FixedLineOrMobile = "fixedLineOrMobile";

    /// <summary>Not known.</summary>
    public const string Unknown = "unknown";

    /// <summary>Every line type above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Mobile, Landline, FixedVoip, NonFixedVoip, TollFree, Premium, SharedCost, Uan, Voicemail, Pager, Personal, FixedLineOrMobile, Unknown,
    ];

    /// <summary>The line type numbering-plan metadata gives a number of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind, as <see cref="Normalization.ParsedPhoneNumber.Kind"/> reports it.</param>
    /// <returns>One of the constants above.</returns>
    public static string Of(Normalization.PhoneNumberKind kind) => kind switch
    {
        Normalization.PhoneNumberKind.Mobile => Mobile,
        Normalization.PhoneNumberKind.FixedLine => Landline,
        Normalization.PhoneNumberKind.FixedLineOrMobile => FixedLineOrMobile,
        Normalization.PhoneNumberKind.TollFree => TollFree,
        Normalization.PhoneNumberKind.PremiumRate => Premium,
        Normalization.PhoneNumberKind.SharedCost => SharedCost,
        Normalization.PhoneNumberKind.Voip => NonFixedVoip,
        Normalization.PhoneNumberKind.PersonalNumber => Personal,
        Normalization.PhoneNumberKind.Pager => Pager,
        Normalization.PhoneNumberKind.Uan => Uan,
        Normalization.PhoneNumberKind.Voicemail => Voicemail,
        _ => Unknown,
    };

    /// <summary>Whether <paramref name="lineType"/> is one of <see cref="All"/> (case-sensitive, as stored).</summary>
    /// <param name="lineType">A line type.</param>
    /// <returns><see langword="true"/> when it is known.</returns>
    public static bool IsKnown(string? lineType) => lineType is not null && All.Contains(lineType, StringComparer.Ordinal);
}
