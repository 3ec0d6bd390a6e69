using System.Globalization;
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
    // A fixed table of CacheCapacity entries in sets of CacheWays (a set-associative cache, as in a CPU): memory is
    // bounded by construction, a hit is one hash and at most four comparisons, a miss replaces one entry of its set
    // (no clear-all, no count to keep), and reads and writes take no lock. The input's hash is the runtime's
    // randomized string hash, so nobody can choose inputs that fight over one set.
    internal const int CacheCapacity = 4096;
    private const int CacheWays = 4;
    private const int CacheSets = CacheCapacity / CacheWays;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly HashSet<string> SupportedRegions =
        new(Util.GetSupportedRegions(), StringComparer.OrdinalIgnoreCase);

    private readonly ParseOutcome?[] _cache = new ParseOutcome?[CacheCapacity];

    // Which way of each set a miss replaces next (round robin). Racing writers may pick the same way: harmless.
    private readonly byte[] _victims = new byte[CacheSets];

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
        if (outcome.E164 is not { } e164)
        {
            throw new InvalidPhoneNumberException(input, outcome.Error, outcome.Region);
        }

        // The formats and the kind cost several times the parse itself, and Normalize needs none of them: they are
        // worked out on the first Parse of an input (which parses it again: the cache keeps no PhoneNumber, so an entry
        // costs one small object) and kept with its cached outcome.
        if (outcome.Details is { } details)
        {
            return details;
        }

        var number = Util.Parse(StripInvisible(input!), string.IsNullOrEmpty(outcome.Region) ? "ZZ" : outcome.Region);
        return outcome.Details = Describe(number, e164);
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
            return new ParseOutcome(input ?? "", defaultRegion, PhoneNumberError.Empty);
        }

        var region = defaultRegion is null ? null : defaultRegion.Trim().ToUpperInvariant();
        // The input's randomized hash, mixed with the region's two letters (or its own hash, for anything else).
        var regionKey = region switch
        {
            null => -1,
            { Length: 2 } => (region[0] << 16) | region[1],
            _ => region.GetHashCode(StringComparison.Ordinal),
        };
        var hash = input.GetHashCode(StringComparison.Ordinal) ^ (regionKey * -1640531535);
        var set = (int)((uint)hash % CacheSets) * CacheWays;
        for (var way = 0; way < CacheWays; way++)
        {
            if (Volatile.Read(ref _cache[set + way]) is { } cached && cached.Is(input, region))
            {
                return cached;
            }
        }

        var outcome = ParseUncached(input, region);
        if (outcome.Error == PhoneNumberError.UnknownRegion)
        {
            // Cheap to work out again, and caching it would let made-up region codes take the place of real numbers.
            return outcome;
        }

        var victim = set / CacheWays;
        var slot = set + (_victims[victim]++ & (CacheWays - 1));
        for (var way = 0; way < CacheWays; way++)
        {
            if (Volatile.Read(ref _cache[set + way]) is null)
            {
                slot = set + way;
                break;
            }
        }

        Volatile.Write(ref _cache[slot], outcome);
        return outcome;
    }

    private static ParseOutcome ParseUncached(string input, string? region)
    {
        if (region is not null && region.Length > 0 && !SupportedRegions.Contains(region))
        {
            return new ParseOutcome(input, region, PhoneNumberError.UnknownRegion);
        }

        var cleaned = StripInvisible(input);
        if (cleaned.Length == 0)
        {
            return new ParseOutcome(input, region, PhoneNumberError.Empty);
        }

        PhoneNumber parsed;
        try
        {
            parsed = Util.Parse(cleaned, string.IsNullOrEmpty(region) ? "ZZ" : region);
        }
        catch (NumberParseException ex)
        {
            return new ParseOutcome(input, region, MapParseError(ex.ErrorType));
        }

        // The national significant number is written once, on the stack: validation reads it, and the E.164 form is
        // '+', the calling code and those digits (what Format(E164) produces, without its builder and strings).
        Span<char> e164 = stackalloc char[4 + NumberValidity.MaxNationalLength];
        e164[0] = '+';
        parsed.CountryCode.TryFormat(e164[1..], out var codeLength, default, CultureInfo.InvariantCulture);
        var nsnLength = NumberValidity.WriteNationalSignificantNumber(parsed, e164[(1 + codeLength)..]);
        if (!NumberValidity.IsValid(parsed.CountryCode, e164.Slice(1 + codeLength, nsnLength)))
        {
            return new ParseOutcome(input, region, MapValidation(Util.IsPossibleNumberWithReason(parsed)));
        }

        var formatted = e164[..(1 + codeLength + nsnLength)];
        // Input already written as canonical E.164: it is its own result, nothing to allocate.
        var text = formatted.SequenceEqual(cleaned) ? cleaned : new string(formatted);
        return new ParseOutcome(input, region, text);
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

    /// <summary>
    /// What an input parsed to (its E.164 form, or why it is not a valid number), with the key it is cached under.
    /// Kept small (48 bytes) on purpose: one of these is the whole cost of a cache miss beyond the parse itself.
    /// </summary>
    private sealed class ParseOutcome
    {
        private readonly string _input;

        // The E.164 string, replaced by the ParsedPhoneNumber (which holds it) once Parse has described the number.
        private object? _result;

        public ParseOutcome(string input, string? region, PhoneNumberError error)
        {
            _input = input;
            Region = region;
            Error = error;
        }

        public ParseOutcome(string input, string? region, string e164)
        {
            _input = input;
            Region = region;
            _result = e164;
        }

        /// <summary>The E.164 form; <see langword="null"/> when the input is not valid.</summary>
        public string? E164 => _result as string ?? (_result as ParsedPhoneNumber)?.E164;

        public PhoneNumberError Error { get; }

        public string? Region { get; }

        /// <summary>Formats and kind, filled in by the first <see cref="PhoneNormalizer.Parse"/>; a race only computes the same value twice.</summary>
        public ParsedPhoneNumber? Details
        {
            get => _result as ParsedPhoneNumber;
            set => _result = value;
        }

        public bool Is(string input, string? region) =>
            string.Equals(_input, input, StringComparison.Ordinal) && string.Equals(Region, region, StringComparison.Ordinal);
    }
}
