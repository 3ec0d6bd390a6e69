using System.Collections.Concurrent;
using System.Text;
using PhoneNumbers;

namespace PhoneHub.Normalization;

/// <summary>
/// Turns what people type into valid E.164 numbers, using Google's libphonenumber metadata.
/// Thread-safe and stateless apart from a bounded cache of recent results.
/// </summary>
/// <remarks>
/// Only numbers that libphonenumber considers valid are returned: a number that parses but does not exist in its
/// numbering plan (such as <c>020 7946 0958</c> read as a US number) is rejected instead of being turned into a
/// plausible-looking but wrong E.164 string.
/// </remarks>
public sealed class PhoneNormalizer
{
    /// <summary>The region used when none is given.</summary>
    public const string DefaultRegion = "US";

    // Results for repeated inputs are served from here; real traffic repeats the same few numbers a lot.
    // The bound keeps memory flat however many distinct inputs arrive.
    internal const int CacheCapacity = 4096;
    private const int InitialTableCapacity = 257;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly HashSet<string> SupportedRegions =
        new(Util.GetSupportedRegions(), StringComparer.OrdinalIgnoreCase);

    // One table of inputs per region: a string key hashes faster than a pair of strings (the runtime uses its fast
    // non-randomized string hashing for string keys, and switches to randomized hashing if it sees many collisions).
    // A fixed number of locks and a starting size that skips the first resizes; at most one table per supported region.
    private volatile ConcurrentDictionary<string, ConcurrentDictionary<string, ParseOutcome>> _cache = NewCache();

    // Our own count of the entries: ConcurrentDictionary.Count takes every one of the dictionary's locks (up to 1,024 as
    // it grows), which made each cache miss cost several times the parse it was caching.
    private int _cacheCount;

    /// <summary>A shared instance; the type holds no per-host state.</summary>
    public static PhoneNormalizer Shared { get; } = new();

    /// <summary>Normalizes <paramref name="input"/> to E.164.</summary>
    /// <param name="input">A phone number as a person wrote it.</param>
    /// <param name="defaultRegion">The ISO 3166-1 region used for numbers written without a country code (case-insensitive).</param>
    /// <returns>The number in E.164 form, for example <c>+14155551234</c>.</returns>
    /// <exception cref="InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    public string Normalize(string? input, string? defaultRegion = DefaultRegion)
    {
        var outcome = ParseCore(input, defaultRegion);
        return outcome.E164 ?? throw new InvalidPhoneNumberException(input, outcome.Error, outcome.Region);
    }

    /// <summary>Normalizes <paramref name="input"/> to E.164 without throwing.</summary>
    /// <param name="input">A phone number as a person wrote it.</param>
    /// <param name="e164">The E.164 number when the method returns <see langword="true"/>; otherwise <see langword="null"/>.</param>
    /// <param name="defaultRegion">The ISO 3166-1 region used for numbers written without a country code.</param>
    /// <returns>Whether the input is a valid phone number.</returns>
    public bool TryNormalize(string? input, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? e164, string? defaultRegion = DefaultRegion)
    {
        var outcome = ParseCore(input, defaultRegion);
        e164 = outcome.E164;
        return e164 is not null;
    }

    /// <summary>Parses and validates <paramref name="input"/>.</summary>
    /// <param name="input">A phone number as a person wrote it.</param>
    /// <param name="defaultRegion">The ISO 3166-1 region used for numbers written without a country code.</param>
    /// <returns>The parsed number.</returns>
    /// <exception cref="InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    public ParsedPhoneNumber Parse(string? input, string? defaultRegion = DefaultRegion)
    {
        var outcome = ParseCore(input, defaultRegion);
        if (outcome.Number is not { } number)
        {
            throw new InvalidPhoneNumberException(input, outcome.Error, outcome.Region);
        }

        // The formats and the kind cost several times the parse itself, and Normalize needs none of them: they are
        // worked out on the first Parse of an input and kept with its cached outcome.
        return outcome.Details ??= Describe(number, outcome.E164!);
    }

    /// <summary>Whether <paramref name="regionCode"/> is a region libphonenumber has metadata for (case-insensitive).</summary>
    /// <param name="regionCode">An ISO 3166-1 alpha-2 code.</param>
    /// <returns><see langword="true"/> for a supported region.</returns>
    public static bool IsSupportedRegion(string? regionCode) =>
        regionCode is not null && SupportedRegions.Contains(regionCode);

    private ParseOutcome ParseCore(string? input, string? defaultRegion)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return new ParseOutcome(PhoneNumberError.Empty, defaultRegion);
        }

        var region = defaultRegion is null ? null : defaultRegion.Trim().ToUpperInvariant();
        var cache = _cache;
        if (cache.TryGetValue(region ?? string.Empty, out var inputs) && inputs.TryGetValue(input, out var cached))
        {
            return cached;
        }

        var outcome = ParseUncached(input, region);
        if (outcome.Error == PhoneNumberError.UnknownRegion)
        {
            // Cheap to work out again, and caching it would let made-up region codes add tables.
            return outcome;
        }

        if (Volatile.Read(ref _cacheCount) >= CacheCapacity)
        {
            // Crude but O(1) amortised and allocation-free on the hit path: drop everything and refill with
            // what is hot now. A skewed workload is back to its working set after a few thousand calls.
            // Racing threads may clear twice or count a little past the capacity: the bound stays within a few entries.
            _cache = cache = NewCache();
            Volatile.Write(ref _cacheCount, 0);
        }

        inputs = cache.GetOrAdd(region ?? string.Empty, static _ => new ConcurrentDictionary<string, ParseOutcome>(Environment.ProcessorCount, InitialTableCapacity, StringComparer.Ordinal));
        if (inputs.TryAdd(input, outcome))
        {
            Interlocked.Increment(ref _cacheCount);
        }

        return outcome;
    }

    private static ConcurrentDictionary<string, ConcurrentDictionary<string, ParseOutcome>> NewCache() => new(StringComparer.Ordinal);

    private static ParseOutcome ParseUncached(string input, string? region)
    {
        if (region is not null && region.Length > 0 && !SupportedRegions.Contains(region))
        {
            return new ParseOutcome(PhoneNumberError.UnknownRegion, region);
        }

        var cleaned = StripInvisible(input);
        if (cleaned.Length == 0)
        {
            return new ParseOutcome(PhoneNumberError.Empty, region);
        }

        PhoneNumber parsed;
        try
        {
            parsed = Util.Parse(cleaned, string.IsNullOrEmpty(region) ? "ZZ" : region);
        }
        catch (NumberParseException ex)
        {
            return new ParseOutcome(MapParseError(ex.ErrorType), region);
        }

        if (!NumberValidity.IsValid(parsed))
        {
            return new ParseOutcome(MapValidation(Util.IsPossibleNumberWithReason(parsed)), region);
        }

        return new ParseOutcome(parsed, Util.Format(parsed, PhoneNumberFormat.E164), region);
    }

    private static ParsedPhoneNumber Describe(PhoneNumber parsed, string e164)
    {
        var regionCode = Util.GetRegionCodeForNumber(parsed) ?? "001";
        var extension = parsed.HasExtension && parsed.Extension.Length > 0 ? parsed.Extension : null;
        // Formats describe the number itself; the extension is reported on its own.
        var bare = extension is null ? parsed : parsed.ToBuilder().ClearExtension().Build();
        return new ParsedPhoneNumber(
            E164: e164,
            RegionCode: regionCode,
            CountryCallingCode: parsed.CountryCode,
            NationalNumber: Util.GetNationalSignificantNumber(parsed),
            NationalFormat: Util.Format(bare, PhoneNumberFormat.NATIONAL),
            InternationalFormat: Util.Format(bare, PhoneNumberFormat.INTERNATIONAL),
            Kind: MapKind(Util.GetNumberType(parsed)),
            Extension: extension);
    }

    // Text copied from chat apps and right-to-left pages carries direction marks and zero-width characters
    // that libphonenumber would otherwise count as junk in the middle of the number.
    private static string StripInvisible(string input)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            var drop = c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF'
                || c is >= '\u202A' and <= '\u202E'
                || c is >= '\u2066' and <= '\u2069';
            var space = c is '\u00A0' or '\u2007' or '\u202F';
            if (drop || space)
            {
                sb ??= new StringBuilder(input, 0, i, input.Length);
                if (space)
                {
                    sb.Append(' ');
                }

                continue;
            }

            sb?.Append(c);
        }

        return (sb?.ToString() ?? input).Trim();
    }

    private static PhoneNumberError MapParseError(ErrorType error) => error switch
    {
        ErrorType.INVALID_COUNTRY_CODE => PhoneNumberError.UnknownCountryCode,
        ErrorType.TOO_SHORT_AFTER_IDD or ErrorType.TOO_SHORT_NSN => PhoneNumberError.TooShort,
        ErrorType.TOO_LONG => PhoneNumberError.TooLong,
        _ => PhoneNumberError.NotANumber,
    };

    private static PhoneNumberError MapValidation(PhoneNumberUtil.ValidationResult result) => result switch
    {
        PhoneNumberUtil.ValidationResult.TOO_SHORT => PhoneNumberError.TooShort,
        PhoneNumberUtil.ValidationResult.TOO_LONG => PhoneNumberError.TooLong,
        PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => PhoneNumberError.UnknownCountryCode,
        _ => PhoneNumberError.InvalidForRegion,
    };

    private static PhoneNumberKind MapKind(PhoneNumberType type) => type switch
    {
        PhoneNumberType.FIXED_LINE => PhoneNumberKind.FixedLine,
        PhoneNumberType.MOBILE => PhoneNumberKind.Mobile,
        PhoneNumberType.FIXED_LINE_OR_MOBILE => PhoneNumberKind.FixedLineOrMobile,
        PhoneNumberType.TOLL_FREE => PhoneNumberKind.TollFree,
        PhoneNumberType.PREMIUM_RATE => PhoneNumberKind.PremiumRate,
        PhoneNumberType.SHARED_COST => PhoneNumberKind.SharedCost,
        PhoneNumberType.VOIP => PhoneNumberKind.Voip,
        PhoneNumberType.PERSONAL_NUMBER => PhoneNumberKind.PersonalNumber,
        PhoneNumberType.PAGER => PhoneNumberKind.Pager,
        PhoneNumberType.UAN => PhoneNumberKind.Uan,
        PhoneNumberType.VOICEMAIL => PhoneNumberKind.Voicemail,
        _ => PhoneNumberKind.Unknown,
    };

    /// <summary>What an input parsed to: a valid number with its E.164 form, or why it is not one.</summary>
    private sealed class ParseOutcome
    {
        public ParseOutcome(PhoneNumberError error, string? region)
        {
            Error = error;
            Region = region;
        }

        public ParseOutcome(PhoneNumber number, string e164, string? region)
        {
            Number = number;
            E164 = e164;
            Region = region;
        }

        /// <summary>The parsed number; <see langword="null"/> when the input is not valid.</summary>
        public PhoneNumber? Number { get; }

        /// <summary>The E.164 form of <see cref="Number"/>.</summary>
        public string? E164 { get; }

        public PhoneNumberError Error { get; }

        public string? Region { get; }

        /// <summary>Formats and kind, filled in by the first <see cref="PhoneNormalizer.Parse"/>; a race only computes the same value twice.</summary>
        public ParsedPhoneNumber? Details { get; set; }
    }
}
