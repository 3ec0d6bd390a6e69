using PhoneHub.Normalization;
using PhoneHub.Providers;

namespace PhoneHub.Lookup;

/// <summary>What numbering-plan metadata alone says about a number: no carrier, no caller name, no network call.</summary>
internal static class MetadataLookup
{
    public static PhoneLookupResult Describe(ParsedPhoneNumber number, string provider) => new()
    {
        Provider = provider,
        IsValid = true,
        Region = number.RegionCode,
        CountryCode = number.CountryCallingCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        LineType = LineTypeOf(number.Kind),
        IsMobile = number.Kind switch
        {
            PhoneNumberKind.Mobile => true,
            PhoneNumberKind.FixedLineOrMobile or PhoneNumberKind.Unknown => null,
            _ => false,
        },
        IsVoip = number.Kind switch
        {
            PhoneNumberKind.Voip => true,
            PhoneNumberKind.FixedLineOrMobile or PhoneNumberKind.Unknown => null,
            _ => false,
        },
    };

    public static string LineTypeOf(PhoneNumberKind kind) => LineTypes.Of(kind);

    /// <summary>A <see cref="PhoneNumber"/> built from metadata, for answers that are not stored.</summary>
    public static PhoneNumber ToRecord(ParsedPhoneNumber number, string provider, DateTimeOffset now)
    {
        var result = Describe(number, provider);
        return new PhoneNumber
        {
            E164 = number.E164,
            CountryCode = result.CountryCode,
            Region = result.Region,
            LineType = result.LineType,
            IsMobile = result.IsMobile,
            IsVoip = result.IsVoip,
            IsValid = true,
            LookupProvider = provider,
            Created = now,
            Modified = now,
        };
    }
}
