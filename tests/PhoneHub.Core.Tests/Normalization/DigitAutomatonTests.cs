using System.Text.RegularExpressions;
using PhoneHub.Normalization;
using PhoneNumbers;

namespace PhoneHub.Tests.Normalization;

public class DigitAutomatonTests
{
    [TestCase("12|34")]
    [TestCase("[2-9][0-9]{9}|3[0-9]{6}")]
    [TestCase("1(?:2|3[4-6])?[0-9]{2,4}")]
    [TestCase("(?:7[0-2]|8)\\d{3,}")]
    [TestCase("[^0-4]5*6+")]
    [TestCase("(1)2{0,2}?3")]
    [TestCase("0?[1-9][0-9]{1,3}")]
    public void MatchAll_DigitStrings_AgreesWithRegex(string pattern)
    {
        var automaton = DigitAutomaton.TryCreate([pattern])!;
        var regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant);
        var random = new Random(42);
        var matched = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var digits = RandomDigits(random, random.Next(0, 13));
            var expected = regex.IsMatch(digits);
            Assert.That(automaton.MatchAll(digits) == 1, Is.EqualTo(expected), digits);
            matched += expected ? 1 : 0;
        }

        Assert.That(matched, Is.GreaterThan(0), "some strings match");
    }

    [TestCase("12|34")]
    [TestCase("[2-9][0-9]{9}|3[0-9]{6}")]
    [TestCase("1(?:2|3[4-6])?[0-9]{2,4}")]
    [TestCase("(?:7[0-2]|8)\\d{3,}")]
    [TestCase("[^0-4]5*6+")]
    [TestCase("(1)2{0,2}?3")]
    public void Evaluate_DigitStrings_AgreesWithRegex(string pattern)
    {
        var full = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant);
        var prefix = new Regex("^(?:" + pattern + ")", RegexOptions.CultureInvariant);
        var random = new Random(3);
        for (var i = 0; i < 5_000; i++)
        {
            var digits = RandomDigits(random, random.Next(0, 13));
            var ends = DigitPatterns.Evaluate(pattern, digits)!.Value;
            Assert.That(((ends >> digits.Length) & 1) == 1, Is.EqualTo(full.IsMatch(digits)), digits);
            Assert.That(ends != 0, Is.EqualTo(prefix.IsMatch(digits)), digits);
        }
    }

    [Test]
    public void MatchAll_PastTheWarmUses_GivesTheSameAnswers()
    {
        var patterns = new DigitPatterns(["[0-9]{3}", "12[0-9]", "9{3}"]);
        for (var i = 0; i < DigitPatterns.WarmUses * 3; i++)
        {
            Assert.That(patterns.MatchAll("123", 0b111), Is.EqualTo(0b011u), $"use {i}");
            Assert.That(patterns.MatchAll("999", 0b110), Is.EqualTo(0b100u), $"use {i}");
        }
    }

    [Test]
    public void Evaluate_EveryMetadataPatternOnExampleNumbersAndNeighbours_AgreesWithRegex()
    {
        var util = PhoneNumberUtil.GetInstance();
        var random = new Random(11);
        var count = 0;
        foreach (var m in util.GetSupportedRegions().Select(util.GetMetadataForRegion))
        {
            var descriptions = new[] { m.GeneralDesc, m.FixedLine, m.Mobile, m.TollFree, m.PremiumRate, m.SharedCost, m.PersonalNumber, m.Voip, m.Pager, m.Uan, m.Voicemail };
            var samples = descriptions.Where(d => d.HasExampleNumber).Select(d => d.ExampleNumber).ToList();
            foreach (var d in descriptions.Where(d => d.HasNationalNumberPattern))
            {
                var regex = new Regex("^(?:" + d.NationalNumberPattern + ")$", RegexOptions.CultureInvariant);
                foreach (var sample in samples)
                {
                    var changed = sample[..^1] + (char)('0' + random.Next(10));
                    foreach (var digits in new[] { sample, changed, sample + "5", sample[..^1] })
                    {
                        var ends = DigitPatterns.Evaluate(d.NationalNumberPattern, digits)!.Value;
                        Assert.That(((ends >> digits.Length) & 1) == 1, Is.EqualTo(regex.IsMatch(digits)), $"{m.Id} {digits}");
                        count++;
                    }
                }
            }
        }

        Assert.That(count, Is.GreaterThan(10_000));
    }

    [TestCase("268")]
    [TestCase("1[03-79]|[2-9]")]
    [TestCase("74576|(?:16|7[56])24")]
    public void MatchesBeginning_DigitStrings_AgreesWithRegex(string pattern)
    {
        var automaton = DigitAutomaton.TryCreate([pattern])!;
        var regex = new Regex("^(?:" + pattern + ")", RegexOptions.CultureInvariant);
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            var digits = RandomDigits(random, random.Next(0, 8));
            Assert.That(automaton.MatchesBeginning(digits), Is.EqualTo(regex.IsMatch(digits)), digits);
        }
    }

    [Test]
    public void MatchAll_SeveralPatterns_ReportsEachOneThatMatches()
    {
        var automaton = DigitAutomaton.TryCreate(["[0-9]{3}", null, "12[0-9]", "9{3}"])!;
        Assert.Multiple(() =>
        {
            Assert.That(automaton.MatchAll("123"), Is.EqualTo(0b0101u));
            Assert.That(automaton.MatchAll("999"), Is.EqualTo(0b1001u));
            Assert.That(automaton.MatchAll("12"), Is.Zero);
            Assert.That(automaton.MatchAll("12a"), Is.Zero);
        });
    }

    [TestCase("[a-z]")]
    [TestCase("1.")]
    [TestCase("(12")]
    [TestCase("1{3,1}")]
    public void TryCreate_SyntaxOutsideTheDigitSubset_ReturnsNull(string pattern)
    {
        Assert.That(DigitAutomaton.TryCreate([pattern]), Is.Null);
        Assert.That(DigitPatterns.Evaluate(pattern, "123"), Is.Null);
    }

    [Test]
    public void TryCreate_EveryMetadataPattern_IsSupported()
    {
        var util = PhoneNumberUtil.GetInstance();
        var metadata = util.GetSupportedRegions().Select(util.GetMetadataForRegion)
            .Concat(util.GetSupportedGlobalNetworkCallingCodes().Select(util.GetMetadataForNonGeographicalRegion));
        var count = 0;
        foreach (var m in metadata)
        {
            foreach (var d in new[] { m.GeneralDesc, m.FixedLine, m.Mobile, m.TollFree, m.PremiumRate, m.SharedCost, m.PersonalNumber, m.Voip, m.Pager, m.Uan, m.Voicemail })
            {
                if (d.HasNationalNumberPattern)
                {
                    Assert.That(DigitAutomaton.TryCreate([d.NationalNumberPattern]), Is.Not.Null, $"{m.Id}: {d.NationalNumberPattern}");
                    count++;
                }
            }
        }

        Assert.That(count, Is.GreaterThan(1_000));
    }

    private static string RandomDigits(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)('0' + random.Next(10));
        }

        return new string(chars);
    }
}
