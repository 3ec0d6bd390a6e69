namespace PhoneHub.Normalization;

/// <summary>A phone number that parsed and validated, with what numbering-plan metadata says about it.</summary>
/// <param name="E164">The number in E.164 form, for example <c>+14155551234</c>. Never contains the extension.</param>
/// <param name="RegionCode">The ISO 3166-1 region the number belongs to (for example <c>US</c>), or <c>001</c> for non-geographic numbers.</param>
/// <param name="CountryCallingCode">The country calling code, for example <c>1</c> or <c>44</c>.</param>
/// <param name="NationalNumber">The national significant number (digits only, without national prefix).</param>
/// <param name="NationalFormat">The number as written within its country, for example <c>(415) 555-1234</c>.</param>
/// <param name="InternationalFormat">The number as written from abroad, for example <c>+1 415-555-1234</c>.</param>
/// <param name="Kind">The kind of number according to metadata (no carrier is asked).</param>
/// <param name="Extension">The extension given with the input, if any; it is never part of <paramref name="E164"/>.</param>
public sealed record ParsedPhoneNumber(
    string E164,
    string RegionCode,
    int CountryCallingCode,
    string NationalNumber,
    string NationalFormat,
    string InternationalFormat,
    PhoneNumberKind Kind,
    string? Extension);
