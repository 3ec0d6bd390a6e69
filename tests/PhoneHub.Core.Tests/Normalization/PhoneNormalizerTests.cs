using PhoneHub.Normalization;

namespace PhoneHub.Tests.Normalization;

public class PhoneNormalizerTests
{
    private static readonly PhoneNormalizer Normalizer = new();

    private static IEnumerable<TestCaseData> ValidCases()
    {
        // US formats
        yield return new TestCaseData("(415) 555-1234", "US", "+14155551234").SetName("US parentheses");
        yield return new TestCaseData("415-555-1234", "US", "+14155551234").SetName("US dashes");
        yield return new TestCaseData("4155551234", "US", "+14155551234").SetName("US digits only");
        yield return new TestCaseData("+1 415 555 1234", "US", "+14155551234").SetName("US international with spaces");
        yield return new TestCaseData("415.555.1234 ext 12", "US", "+14155551234").SetName("US dots with extension");
        yield return new TestCaseData("1-415-555-1234", "US", "+14155551234").SetName("US with trunk 1");
        yield return new TestCaseData("  (415)555-1234  ", "US", "+14155551234").SetName("US surrounding white space");
        yield return new TestCaseData("+14155551234", "US", "+14155551234").SetName("US already E164");
        yield return new TestCaseData("011 44 20 7946 0958", "US", "+442079460958").SetName("US international prefix to GB");
        yield return new TestCaseData("1-800-FLOWERS", "US", "+18003569377").SetName("US vanity letters");
        yield return new TestCaseData("1-800-flowers", "US", "+18003569377").SetName("US vanity lower case");
        yield return new TestCaseData("(415) 555-1234", "us", "+14155551234").SetName("region lower case");
        yield return new TestCaseData("(415) 555-1234", " Us ", "+14155551234").SetName("region mixed case and spaces");
        yield return new TestCaseData("tel:+1-415-555-1234", "US", "+14155551234").SetName("tel URI");
        // Unicode
        yield return new TestCaseData("٤١٥٥٥٥١٢٣٤", "US", "+14155551234").SetName("Arabic-Indic digits");
        yield return new TestCaseData("۴۱۵۵۵۵۱۲۳۴", "US", "+14155551234").SetName("Extended Arabic-Indic digits");
        yield return new TestCaseData("４１５５５５１２３４", "US", "+14155551234").SetName("full-width digits");
        yield return new TestCaseData("＋１ ４１５ ５５５ １２３４", "US", "+14155551234").SetName("full-width plus and digits");
        yield return new TestCaseData("\u202A+1 415 555 1234\u202C", "US", "+14155551234").SetName("LRE PDF direction marks");
        yield return new TestCaseData("\u200E+1 (415) 555-1234\u200F", "US", "+14155551234").SetName("LRM RLM marks");
        yield return new TestCaseData("\u202B415\u202E-555-1234\u202D", "US", "+14155551234").SetName("RLE RLO LRO marks inside");
        yield return new TestCaseData("+1\u00A0415\u00A0555\u00A01234", "US", "+14155551234").SetName("no-break spaces");
        yield return new TestCaseData("\uFEFF4155551234\u200B", "US", "+14155551234").SetName("BOM and zero-width space");
        // Other regions
        yield return new TestCaseData("020 7946 0958", "GB", "+442079460958").SetName("GB national London");
        yield return new TestCaseData("07400 123456", "GB", "+447400123456").SetName("GB national mobile");
        yield return new TestCaseData("00 44 20 7946 0958", "GB", "+442079460958").SetName("GB international prefix");
        yield return new TestCaseData("+44 (0)20 7946 0958", "US", "+442079460958").SetName("GB with (0) trunk");
        yield return new TestCaseData("030 123456", "DE", "+4930123456").SetName("DE Berlin");
        yield return new TestCaseData("01 42 68 53 00", "FR", "+33142685300").SetName("FR Paris");
        yield return new TestCaseData("06 12 34 56 78", "fr", "+33612345678").SetName("FR mobile lower-case region");
        yield return new TestCaseData("03-1234-5678", "JP", "+81312345678").SetName("JP Tokyo");
        yield return new TestCaseData("0412 345 678", "AU", "+61412345678").SetName("AU mobile");
        yield return new TestCaseData("98765 43210", "IN", "+919876543210").SetName("IN mobile");
        yield return new TestCaseData("(11) 91234-5678", "BR", "+5511912345678").SetName("BR mobile");
        yield return new TestCaseData("+49 30 123456", "US", "+4930123456").SetName("DE international from US default");
        yield return new TestCaseData("416 555 0199", "CA", "+14165550199").SetName("CA Toronto");
    }

    [TestCaseSource(nameof(ValidCases))]
    public void Normalize_ValidInput_ReturnsE164(string input, string region, string expected)
    {
        Assert.That(Normalizer.Normalize(input, region), Is.EqualTo(expected));
        Assert.That(Normalizer.TryNormalize(input, out var e164, region), Is.True);
        Assert.That(e164, Is.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> InvalidCases()
    {
        yield return new TestCaseData(null, "US", PhoneNumberError.Empty).SetName("null");
        yield return new TestCaseData("", "US", PhoneNumberError.Empty).SetName("empty");
        yield return new TestCaseData("   ", "US", PhoneNumberError.Empty).SetName("white space");
        yield return new TestCaseData("\u200E\u202A", "US", PhoneNumberError.Empty).SetName("only direction marks");
        yield return new TestCaseData("hello", "US", PhoneNumberError.NotANumber).SetName("letters");
        yield return new TestCaseData("not a phone", "US", PhoneNumberError.NotANumber).SetName("words");
        yield return new TestCaseData("1", "US", PhoneNumberError.NotANumber).SetName("one digit");
        yield return new TestCaseData("555-1234", "US", PhoneNumberError.InvalidForRegion).SetName("US seven digits");
        yield return new TestCaseData("415 555 12345", "US", PhoneNumberError.TooLong).SetName("US eleven digits");
        yield return new TestCaseData("020 7946 0958", "US", PhoneNumberError.TooLong).SetName("GB national read as US");
        yield return new TestCaseData("+999 1234 5678", "US", PhoneNumberError.UnknownCountryCode).SetName("unknown country code");
        yield return new TestCaseData("+1 123 456 7890", "US", PhoneNumberError.InvalidForRegion).SetName("US area code 123");
        yield return new TestCaseData("+44 20 7946", "US", PhoneNumberError.InvalidForRegion).SetName("GB too short");
        yield return new TestCaseData("+1 415 555 1234 5678 9012 3456", "US", PhoneNumberError.TooLong).SetName("far too long");
        yield return new TestCaseData("4155551234", "XX", PhoneNumberError.UnknownRegion).SetName("unknown region");
        yield return new TestCaseData("4155551234", null, PhoneNumberError.UnknownCountryCode).SetName("national number without region");
    }

    [TestCaseSource(nameof(InvalidCases))]
    public void Normalize_InvalidInput_ThrowsTypedError(string? input, string? region, PhoneNumberError reason)
    {
        var ex = Assert.Throws<InvalidPhoneNumberException>(() => Normalizer.Normalize(input, region))!;
        Assert.That(ex.Reason, Is.EqualTo(reason), ex.Message);
        Assert.That(ex.Input, Is.EqualTo(input));
        Assert.That(Normalizer.TryNormalize(input, out var e164, region), Is.False);
        Assert.That(e164, Is.Null);
    }

    [Test]
    public void Normalize_GbNumberReadAsUs_NeverReturnsInvalidE164()
    {
        Assert.That(Normalizer.TryNormalize("020 7946 0958", out var e164, "US"), Is.False);
        Assert.That(e164, Is.Not.EqualTo("+102079460958"));
        var ex = Assert.Throws<InvalidPhoneNumberException>(() => Normalizer.Normalize("020 7946 0958", "US"))!;
        Assert.That(ex.Message, Does.Contain("020 7946 0958").And.Contain("country code"));
    }

    [Test]
    public void Parse_WithExtension_KeepsExtensionOutOfE164()
    {
        var parsed = Normalizer.Parse("415.555.1234 ext 12", "US");
        Assert.Multiple(() =>
        {
            Assert.That(parsed.E164, Is.EqualTo("+14155551234"));
            Assert.That(parsed.Extension, Is.EqualTo("12"));
            Assert.That(parsed.RegionCode, Is.EqualTo("US"));
            Assert.That(parsed.CountryCallingCode, Is.EqualTo(1));
            Assert.That(parsed.NationalFormat, Is.EqualTo("(415) 555-1234"));
            Assert.That(parsed.NationalNumber, Is.EqualTo("4155551234"));
            Assert.That(parsed.Kind, Is.EqualTo(PhoneNumberKind.FixedLineOrMobile));
        });
    }

    [TestCase("+447400123456", PhoneNumberKind.Mobile, "GB")]
    [TestCase("+442079460958", PhoneNumberKind.FixedLine, "GB")]
    [TestCase("+18003569377", PhoneNumberKind.TollFree, "US")]
    [TestCase("+33612345678", PhoneNumberKind.Mobile, "FR")]
    public void Parse_KnownNumber_ReportsKindAndRegion(string input, PhoneNumberKind kind, string region)
    {
        var parsed = Normalizer.Parse(input, "US");
        Assert.That(parsed.Kind, Is.EqualTo(kind));
        Assert.That(parsed.RegionCode, Is.EqualTo(region));
        Assert.That(parsed.Extension, Is.Null);
    }

    [Test]
    public void Normalize_RepeatedInput_ReturnsSameAnswer()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.That(Normalizer.Normalize("(415) 555-1234"), Is.EqualTo("+14155551234"));
            Assert.Throws<InvalidPhoneNumberException>(() => Normalizer.Normalize("020 7946 0958"));
        }
    }

    [Test]
    public void Normalize_ManyDistinctInputs_StaysCorrectPastCacheCapacity()
    {
        var normalizer = new PhoneNormalizer();
        for (var i = 0; i < 10_000; i++)
        {
            var input = $"415 555 {i % 10_000:0000}";
            Assert.That(normalizer.Normalize(input), Is.EqualTo($"+1415555{i % 10_000:0000}"));
        }
    }

    [Test]
    public void InvalidPhoneNumberException_Code_IsStable()
    {
        var ex = Assert.Throws<InvalidPhoneNumberException>(() => Normalizer.Normalize("020 7946 0958", "US"))!;
        Assert.That(ex.Code, Is.EqualTo("too_long"));
        Assert.That(ex, Is.InstanceOf<PhoneHubException>());
    }
}
