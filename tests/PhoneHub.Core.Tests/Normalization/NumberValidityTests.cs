using PhoneHub.Normalization;
using PhoneNumbers;

namespace PhoneHub.Tests.Normalization;

public class NumberValidityTests
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    [Test]
    public void IsValid_ExampleNumbersOfEveryRegionAndTypeWithVariations_AgreesWithLibphonenumber()
    {
        var random = new Random(1234);
        var checkedCount = 0;
        var validCount = 0;
        var callingCodes = Util.GetSupportedRegions().Select(Util.GetCountryCodeForRegion)
            .Concat(Util.GetSupportedGlobalNetworkCallingCodes()).Distinct();
        foreach (var code in callingCodes)
        {
            var regions = Util.GetRegionCodesForCountryCode(code);
            foreach (var region in regions)
            {
                foreach (var type in Enum.GetValues<PhoneNumberType>())
                {
                    var example = region == "001" ? Util.GetExampleNumberForNonGeoEntity(code) : Util.GetExampleNumberForType(region, type);
                    if (example is null)
                    {
                        continue;
                    }

                    var national = example.NationalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    for (var i = 0; i < 25; i++)
                    {
                        // Vary the last digits, and sometimes the length, so valid and invalid numbers both come up.
                        var keep = Math.Max(1, national.Length - random.Next(1, 6));
                        var length = national.Length + (random.Next(5) == 0 ? random.Next(-2, 3) : 0);
                        var digits = national[..Math.Min(keep, length)];
                        while (digits.Length < Math.Max(2, length))
                        {
                            digits += (char)('0' + random.Next(10));
                        }

                        if (digits.Length > 17)
                        {
                            continue;
                        }

                        var number = new PhoneNumber.Builder().SetCountryCode(code).SetNationalNumber(ulong.Parse(digits, System.Globalization.CultureInfo.InvariantCulture)).Build();
                        var expected = Util.IsValidNumber(number);
                        Assert.That(NumberValidity.IsValid(number), Is.EqualTo(expected), $"+{code} {digits} ({region})");
                        checkedCount++;
                        validCount += expected ? 1 : 0;
                    }
                }
            }
        }

        Assert.That(checkedCount, Is.GreaterThan(10_000));
        Assert.That(validCount, Is.GreaterThan(checkedCount / 10), "the sample holds valid numbers too");
    }
}
