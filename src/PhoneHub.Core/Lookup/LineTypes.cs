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
}
