using PhoneNumbers;

namespace PhoneHub.Benchmarks.Normalization;

/// <summary>One input as a person wrote it, with the region it is read in.</summary>
/// <param name="Input">The text.</param>
/// <param name="Region">The default region.</param>
public readonly record struct CorpusEntry(string Input, string Region);

/// <summary>
/// Deterministic corpora of phone numbers: valid numbers of many regions and types, written the ways people write
/// them (E.164, international, national, RFC 3966, dots, stray spaces), and a few inputs that are not numbers.
/// </summary>
internal static class PhoneCorpus
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // Weighted towards where SMS traffic is: North America and Europe first, then the rest.
    private static readonly string[] Regions =
    [
        "US", "US", "US", "US", "US", "US", "CA", "CA", "GB", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "PL", "IE",
        "MX", "BR", "AR", "IN", "AU", "NZ", "JP", "KR", "SG", "ZA", "NG", "KE", "AE", "IL", "TR", "CH", "AT", "BE", "PT",
    ];

    private static readonly PhoneNumberType[] Types = [PhoneNumberType.MOBILE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE];

    private static readonly string[] Junk = ["call me", "n/a", "12", "+", "555", "+999 123 4567", "abc-def-ghij", "0000000000000000000", "ext 12", "+1 (800) FLOWERS"];

    /// <summary>
    /// <paramref name="count"/> inputs, every one distinct, about 3% of them not valid numbers.
    /// </summary>
    public static CorpusEntry[] Varied(int count, int seed = 20261124)
    {
        var random = new Random(seed);
        var seen = new HashSet<(string, string)>();
        var result = new List<CorpusEntry>(count);
        while (result.Count < count)
        {
            var entry = random.NextDouble() < 0.03
                ? new CorpusEntry(Junk[random.Next(Junk.Length)] + (result.Count % 97 == 0 ? "" : " " + random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture)), Regions[random.Next(Regions.Length)])
                : Written(random, RandomValidNumber(random, out var region), region);
            if (seen.Add((entry.Input, entry.Region)))
            {
                result.Add(entry);
            }
        }

        return [.. result];
    }

    /// <summary>
    /// A stream of <paramref name="length"/> inputs drawn from <paramref name="distinct"/> valid numbers with a
    /// Zipf-like skew (s = 1): the most common number is about 1/7.5 of the traffic, most numbers appear rarely.
    /// </summary>
    public static CorpusEntry[] Skewed(int distinct, int length, int seed = 7)
    {
        var random = new Random(seed);
        var pool = new List<CorpusEntry>(distinct);
        var seen = new HashSet<(string, string)>();
        while (pool.Count < distinct)
        {
            var entry = Written(random, RandomValidNumber(random, out var region), region);
            if (seen.Add((entry.Input, entry.Region)))
            {
                pool.Add(entry);
            }
        }

        var cumulative = new double[distinct];
        var sum = 0.0;
        for (var i = 0; i < distinct; i++)
        {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }

        var stream = new CorpusEntry[length];
        for (var i = 0; i < length; i++)
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            stream[i] = pool[index < 0 ? Math.Min(~index, distinct - 1) : index];
        }

        return stream;
    }

    private static PhoneNumber RandomValidNumber(Random random, out string region)
    {
        while (true)
        {
            region = Regions[random.Next(Regions.Length)];
            var example = Util.GetExampleNumberForType(region, Types[random.Next(Types.Length)]);
            if (example is null)
            {
                continue;
            }

            // Keep the example's prefix (it decides the number's type) and vary its last digits.
            var national = example.NationalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var keep = Math.Max(3, national.Length - 4);
            var digits = national[..keep] + random.Next(0, (int)Math.Pow(10, national.Length - keep)).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(national.Length - keep, '0');
            var candidate = new PhoneNumber.Builder().SetCountryCode(example.CountryCode).SetNationalNumber(ulong.Parse(digits, System.Globalization.CultureInfo.InvariantCulture)).Build();
            if (Util.IsValidNumber(candidate))
            {
                return candidate;
            }
        }
    }

    private static CorpusEntry Written(Random random, PhoneNumber number, string region)
    {
        var national = Util.Format(number, PhoneNumberFormat.NATIONAL);
        var text = random.Next(8) switch
        {
            0 or 1 => Util.Format(number, PhoneNumberFormat.E164),
            2 or 3 => Util.Format(number, PhoneNumberFormat.INTERNATIONAL),
            4 or 5 => national,
            6 => Util.Format(number, PhoneNumberFormat.RFC3966)[4..],
            _ => national.Replace(' ', '.').Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal) + "  ",
        };

        // Numbers written with a country code are often read in another region than their own.
        var readIn = text.StartsWith('+') && random.Next(3) == 0 ? Regions[random.Next(Regions.Length)] : region;
        return new CorpusEntry(text, readIn);
    }
}
