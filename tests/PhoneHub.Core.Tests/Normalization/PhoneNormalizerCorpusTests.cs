using PhoneHub.Benchmarks.Normalization;
using PhoneHub.Normalization;
using PhoneNumbers;

namespace PhoneHub.Tests.Normalization;

/// <summary>
/// Holds <see cref="PhoneNormalizer"/> to raw libphonenumber (<c>Parse</c>, <c>IsValidNumber</c>, <c>Format(E164)</c>)
/// on the 10,000-input corpus the cold-path benchmark measures.
/// </summary>
public class PhoneNormalizerCorpusTests
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    [Test]
    public void TryNormalize_BenchmarkCorpus_AgreesWithLibphonenumber()
    {
        var corpus = PhoneCorpus.Varied(10_000);
        var normalizer = new PhoneNormalizer();
        var mismatches = new List<string>();
        var valid = 0;
        foreach (var (input, region) in corpus)
        {
            var expected = RawE164(input, region);
            var ok = normalizer.TryNormalize(input, out var actual, region);
            if (ok != (expected is not null) || !string.Equals(actual, expected, StringComparison.Ordinal))
            {
                mismatches.Add($"'{input}' ({region}): expected {expected ?? "invalid"}, got {actual ?? "invalid"}");
            }

            valid += ok ? 1 : 0;
        }

        Assert.Multiple(() =>
        {
            Assert.That(mismatches, Is.Empty);
            Assert.That(corpus, Has.Length.EqualTo(10_000));
            Assert.That(valid, Is.InRange(9_000, 9_990), "the corpus holds valid and invalid inputs");
        });
    }

    [Test]
    public void IsValid_BenchmarkCorpusNumbersAndNeighbours_AgreesWithIsValidNumber()
    {
        var checkedCount = 0;
        var invalid = 0;
        foreach (var (input, region) in PhoneCorpus.Varied(10_000))
        {
            PhoneNumber parsed;
            try
            {
                parsed = Util.Parse(input, region);
            }
            catch (NumberParseException)
            {
                continue;
            }

            // The number itself, and the same with its last digit changed or one digit more: valid and invalid neighbours.
            var national = parsed.NationalNumber;
            foreach (var candidate in new[] { national, national - (national % 10) + ((national + 3) % 10), national * 10 + 7 })
            {
                var number = parsed.ToBuilder().SetNationalNumber(candidate).Build();
                var expected = Util.IsValidNumber(number);
                Assert.That(NumberValidity.IsValid(number), Is.EqualTo(expected), $"+{number.CountryCode} {candidate}");
                checkedCount++;
                invalid += expected ? 0 : 1;
            }
        }

        Assert.That(checkedCount, Is.GreaterThan(25_000));
        Assert.That(invalid, Is.GreaterThan(checkedCount / 10), "the sample holds invalid numbers too");
    }

    [Test]
    public void Normalize_SameInputUnderTwoRegions_KeepsBothAnswersApart()
    {
        var normalizer = new PhoneNormalizer();
        for (var i = 0; i < 3; i++)
        {
            Assert.That(normalizer.Normalize("020 7946 0958", "GB"), Is.EqualTo("+442079460958"));
            Assert.That(normalizer.TryNormalize("020 7946 0958", out _, "US"), Is.False);
        }
    }

    [Test]
    public void Normalize_CanonicalE164Input_ReturnsTheInputItself()
    {
        var input = string.Concat("+4420", "79460958");
        Assert.That(new PhoneNormalizer().Normalize(input, "US"), Is.SameAs(input));
    }

    private static string? RawE164(string input, string region)
    {
        try
        {
            var parsed = Util.Parse(input, region);
            return Util.IsValidNumber(parsed) ? Util.Format(parsed, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
