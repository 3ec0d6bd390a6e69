using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace PhoneHub.Normalization;

/// <summary>
/// <see cref="PhoneNumberUtil.IsValidNumber"/> without its repeated work: libphonenumber first finds the number's
/// region (for a calling code shared by several regions, such as +1, by testing the number against each region's
/// patterns) and then tests the number against that region's patterns a second time. Here a region that matched is
/// the answer, so a valid North American number is tested once instead of twice. Same metadata, same answers.
/// </summary>
internal static class NumberValidity
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly ConcurrentDictionary<string, Regex> LeadingDigits = new(StringComparer.Ordinal);

    public static bool IsValid(PhoneNumber number)
    {
        var regions = Util.GetRegionCodesForCountryCode(number.CountryCode);
        if (regions.Count == 0)
        {
            return false;
        }

        if (regions.Count == 1)
        {
            return Util.IsValidNumberForRegion(number, regions[0]);
        }

        // As libphonenumber's GetRegionCodeForNumber: the first region whose leading digits start the number, or
        // (for a region without leading digits) whose patterns the number matches, is the number's region.
        var nationalNumber = Util.GetNationalSignificantNumber(number);
        foreach (var region in regions)
        {
            var metadata = Util.GetMetadataForRegion(region);
            if (metadata is null)
            {
                continue;
            }

            if (metadata.HasLeadingDigits)
            {
                if (LeadingDigits.GetOrAdd(metadata.LeadingDigits, static p => new Regex("^(?:" + p + ")", RegexOptions.CultureInvariant)).IsMatch(nationalNumber))
                {
                    return Util.IsValidNumberForRegion(number, region);
                }
            }
            else if (Util.IsValidNumberForRegion(number, region))
            {
                return true;
            }
        }

        return false;
    }
}
