namespace PhoneHub.Normalization;

/// <summary>Why an input could not be turned into a valid E.164 phone number.</summary>
public enum PhoneNumberError
{
    /// <summary>The input was null, empty or only white space.</summary>
    Empty = 1,

    /// <summary>The input does not look like a phone number at all.</summary>
    NotANumber,

    /// <summary>The number has too few digits to be a phone number.</summary>
    TooShort,

    /// <summary>The number has too many digits to be a phone number.</summary>
    TooLong,

    /// <summary>The number parses but is not a valid number for its region.</summary>
    InvalidForRegion,

    /// <summary>The number starts with a country calling code that does not exist.</summary>
    UnknownCountryCode,

    /// <summary>The default region given with the input is not a known ISO 3166-1 region code.</summary>
    UnknownRegion,
}
