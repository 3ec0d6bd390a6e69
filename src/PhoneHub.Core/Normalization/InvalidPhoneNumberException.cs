namespace PhoneHub.Normalization;

/// <summary>Thrown when an input cannot be normalized to a valid E.164 phone number.</summary>
public sealed class InvalidPhoneNumberException : PhoneHubException
{
    /// <summary>Creates the exception for <paramref name="input"/> failing with <paramref name="reason"/>.</summary>
    /// <param name="input">The text that was given.</param>
    /// <param name="reason">Why it was rejected.</param>
    /// <param name="region">The default region the input was read with, if any.</param>
    public InvalidPhoneNumberException(string? input, PhoneNumberError reason, string? region = null)
        : base(Describe(input, reason, region))
    {
        Input = input;
        Reason = reason;
        Region = region;
    }

    /// <summary>The text that was given.</summary>
    public string? Input { get; }

    /// <summary>Why it was rejected.</summary>
    public PhoneNumberError Reason { get; }

    /// <summary>The default region the input was read with, if any.</summary>
    public string? Region { get; }

    /// <summary>A stable, machine-readable code for <see cref="Reason"/> (for example <c>too_long</c>).</summary>
    public string Code => Reason switch
    {
        PhoneNumberError.Empty => "empty",
        PhoneNumberError.NotANumber => "not_a_number",
        PhoneNumberError.TooShort => "too_short",
        PhoneNumberError.TooLong => "too_long",
        PhoneNumberError.InvalidForRegion => "invalid_for_region",
        PhoneNumberError.UnknownCountryCode => "unknown_country_code",
        PhoneNumberError.UnknownRegion => "unknown_region",
        _ => "invalid",
    };

    private static string Describe(string? input, PhoneNumberError reason, string? region)
    {
        var what = reason switch
        {
            PhoneNumberError.Empty => "no phone number was given",
            PhoneNumberError.NotANumber => "it does not look like a phone number",
            PhoneNumberError.TooShort => "it has too few digits",
            PhoneNumberError.TooLong => "it has too many digits",
            PhoneNumberError.InvalidForRegion => "it is not a valid number in its numbering plan",
            PhoneNumberError.UnknownCountryCode => "its country calling code does not exist",
            PhoneNumberError.UnknownRegion => $"'{region}' is not a known region code",
            _ => "it is not valid",
        };
        var hint = region is not null && reason is PhoneNumberError.TooLong or PhoneNumberError.TooShort or PhoneNumberError.InvalidForRegion
            ? $" when read as a number of region {region}; if it belongs to another country, start it with + and the country code"
            : string.Empty;
        return reason == PhoneNumberError.Empty
            ? "Invalid phone number: no phone number was given."
            : $"Invalid phone number '{input}': {what}{hint}.";
    }
}
