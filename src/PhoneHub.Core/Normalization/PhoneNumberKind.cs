namespace PhoneHub.Normalization;

/// <summary>The kind of number, as far as numbering-plan metadata can tell without asking a carrier.</summary>
public enum PhoneNumberKind
{
    /// <summary>The metadata does not say.</summary>
    Unknown = 0,

    /// <summary>A fixed (landline) number.</summary>
    FixedLine,

    /// <summary>A mobile number.</summary>
    Mobile,

    /// <summary>The numbering plan does not distinguish fixed from mobile (for example the NANP: US and Canada).</summary>
    FixedLineOrMobile,

    /// <summary>A toll-free number.</summary>
    TollFree,

    /// <summary>A premium-rate number.</summary>
    PremiumRate,

    /// <summary>A shared-cost number.</summary>
    SharedCost,

    /// <summary>A voice-over-IP number.</summary>
    Voip,

    /// <summary>A personal number routed to the owner's phones.</summary>
    PersonalNumber,

    /// <summary>A pager number.</summary>
    Pager,

    /// <summary>A universal access number (a company's single number).</summary>
    Uan,

    /// <summary>A voicemail access number.</summary>
    Voicemail,
}
