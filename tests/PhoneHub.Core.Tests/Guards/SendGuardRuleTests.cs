using PhoneHub.Guards.OptOuts;
using PhoneHub.Guards.QuietHours;
using PhoneHub.Guards.Segments;
using PhoneHub.Messaging;

namespace PhoneHub.Core.Tests.Guards;

// The published rules of issue 12, checked rule by rule on the parts that decide them (keywords, the quiet-hours
// window, smart encoding, segment counting).
[TestFixture]
public sealed class SendGuardRuleTests
{
    private static readonly string[] OptOutWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"];
    private static readonly string[] OptInWords = ["START", "YES", "UNSTOP"];
    private static readonly string[] HelpWords = ["HELP", "INFO"];

    private static IEnumerable<TestCaseData> Keywords()
    {
        foreach (var (words, kind) in new[] { (OptOutWords, OptOutKeyword.OptOut), (OptInWords, OptOutKeyword.OptIn), (HelpWords, OptOutKeyword.Help) })
        {
            foreach (var word in words)
            {
                yield return new TestCaseData(word, kind, word);
                yield return new TestCaseData(word.ToLowerInvariant(), kind, word);
                yield return new TestCaseData("  " + word[0] + word[1..].ToLowerInvariant() + "!\n", kind, word);
            }
        }
    }

    [TestCaseSource(nameof(Keywords))]
    public void Classify_SingleKeyword_MatchesCaseAndWhitespaceInsensitive(string body, OptOutKeyword expected, string keyword)
    {
        Assert.That(OptOutKeywords.Classify(body, out var matched), Is.EqualTo(expected));
        Assert.That(matched, Is.EqualTo(keyword));
    }

    // Near misses are not single-word keywords, so they do not change the list (documented in OptOutKeywords).
    [TestCase("stop please")]
    [TestCase("STOP ALL")]
    [TestCase("OPT OUT")]
    [TestCase("OPT-OUT")]
    [TestCase("stopp")]
    [TestCase("S.T.O.P")]
    [TestCase("don't stop")]
    [TestCase("")]
    [TestCase("   ")]
    public void Classify_NearMiss_IsNotAKeyword(string body)
    {
        Assert.That(OptOutKeywords.Classify(body, out var matched), Is.EqualTo(OptOutKeyword.None));
        Assert.That(matched, Is.Null);
    }

    [Test]
    public void KeywordLists_AreThePublishedOnes()
    {
        Assert.That(OptOutKeywords.OptOut, Is.EquivalentTo(OptOutWords));
        Assert.That(OptOutKeywords.OptIn, Is.EquivalentTo(OptInWords));
        Assert.That(OptOutKeywords.Help, Is.EquivalentTo(HelpWords));
    }

    [Test]
    public void NextAllowed_UsNumberAt2130Local_DefersTo0800NextDay()
    {
        var zones = new RecipientTimeZones().For("+12125550123");
        Assert.That(zones.Select(z => z.Id), Is.EqualTo(new[] { "America/New_York" }));

        // 2026-01-15 21:30 EST (UTC-5) is 02:30Z on the 16th; the window opens at 08:00 EST, 13:00Z.
        var at = new DateTimeOffset(2026, 1, 16, 2, 30, 0, TimeSpan.Zero);
        var next = QuietHoursWindow.NextAllowed(at, zones, new TimeOnly(8, 0), new TimeOnly(21, 0));
        Assert.That(next, Is.EqualTo(new DateTimeOffset(2026, 1, 16, 13, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void NextAllowed_InsideWindow_IsNow()
    {
        var zones = new RecipientTimeZones().For("+12125550123");
        var at = new DateTimeOffset(2026, 1, 16, 15, 0, 0, TimeSpan.Zero);
        Assert.That(QuietHoursWindow.NextAllowed(at, zones, new TimeOnly(8, 0), new TimeOnly(21, 0)), Is.EqualTo(at));
    }

    [Test]
    public void NextAllowed_SeveralZones_WindowHoldsInEveryZone()
    {
        var zones = new[] { TimeZoneInfo.FindSystemTimeZoneById("America/New_York"), TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles") };
        var start = new TimeOnly(8, 0);
        var end = new TimeOnly(21, 0);

        // 21:30 in New York, 18:30 in Los Angeles: New York's 08:00 (13:00Z) is 05:00 in Los Angeles, so the first moment
        // that holds in both is Los Angeles' 08:00 (16:00Z, 11:00 in New York).
        var at = new DateTimeOffset(2026, 1, 16, 2, 30, 0, TimeSpan.Zero);
        var next = QuietHoursWindow.NextAllowed(at, zones, start, end);
        Assert.That(next, Is.EqualTo(new DateTimeOffset(2026, 1, 16, 16, 0, 0, TimeSpan.Zero)));
        Assert.That(zones.All(z => QuietHoursWindow.HoldsAt(next, z, start, end)), Is.True);
        Assert.That(QuietHoursWindow.HoldsAt(next.AddMinutes(-1), zones[1], start, end), Is.False);
    }

    [Test]
    public void RecipientTimeZones_TollFreeNumber_MapsToSeveralZones()
    {
        // A toll-free number carries no area code: libphonenumber maps it to every zone of the plan.
        var zones = new RecipientTimeZones().For("+18002345678");
        Assert.That(zones, Has.Count.GreaterThan(1));
    }

    [Test]
    public void SmartEncoding_CurlyQuotesAndEmDash_TwoUcs2SegmentsBecomeOneGsm7Segment()
    {
        var body = "\u201CYour code\u201D \u2014 it\u2019s " + new string('a', 80);
        var original = SmsEncoding.Measure(body);
        Assert.That((original.CharacterSet, original.Segments), Is.EqualTo((SmsCharacterSet.Ucs2, 2)));

        var smart = SmartEncoding.Apply(body);
        var measured = SmsEncoding.Measure(smart.Body);
        Assert.That(smart.IsGsm7, Is.True);
        Assert.That(smart.Body, Is.EqualTo("\"Your code\" - it's " + new string('a', 80)));
        Assert.That((measured.CharacterSet, measured.Segments), Is.EqualTo((SmsCharacterSet.Gsm7, 1)));
        Assert.That(smart.Changes.Select(c => c.Original), Is.EqualTo(new[] { "\u201C", "\u201D", "\u2014", "\u2019" }));
    }

    [Test]
    public void SmartEncoding_TrueUnicodeLeft_BodyUnchanged()
    {
        var body = "\u201CHi\u201D \U0001F600";
        var smart = SmartEncoding.Apply(body);
        Assert.That(smart.Body, Is.EqualTo(body));
        Assert.That(smart.Changes, Is.Empty);
        Assert.That(smart.IsGsm7, Is.False);
    }

    // Boundaries from 3GPP TS 23.038 / 23.040: 160 septets or 70 UCS-2 units in one part, 153 and 67 per part after.
    [TestCase(160, 'a', SmsCharacterSet.Gsm7, 1, 160)]
    [TestCase(161, 'a', SmsCharacterSet.Gsm7, 2, 153)]
    [TestCase(306, 'a', SmsCharacterSet.Gsm7, 2, 153)]
    [TestCase(307, 'a', SmsCharacterSet.Gsm7, 3, 153)]
    [TestCase(70, '\u0416', SmsCharacterSet.Ucs2, 1, 70)]
    [TestCase(71, '\u0416', SmsCharacterSet.Ucs2, 2, 67)]
    [TestCase(80, '\u20AC', SmsCharacterSet.Gsm7, 1, 160)]
    [TestCase(81, '\u20AC', SmsCharacterSet.Gsm7, 2, 153)]
    public void Measure_Boundaries_SegmentsAndLimit(int length, char c, SmsCharacterSet set, int segments, int limit)
    {
        var measure = SmsEncoding.Measure(new string(c, length));
        Assert.That((measure.CharacterSet, measure.Segments, measure.PerSegmentLimit), Is.EqualTo((set, segments, limit)));
    }
}
