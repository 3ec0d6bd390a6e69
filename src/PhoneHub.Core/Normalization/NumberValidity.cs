using System.Globalization;
using PhoneNumbers;

namespace PhoneHub.Normalization;

/// <summary>
/// <see cref="PhoneNumberUtil.IsValidNumber"/> with the same metadata and the same answers, without its repeated work.
/// </summary>
/// <remarks>
/// <para>
/// libphonenumber tests a number against its region's patterns one regular expression at a time: the general
/// description, then premium rate, toll free, shared cost, VoIP, personal, pager, UAN, voicemail, fixed line and
/// mobile, until one matches. For a calling code shared by several regions (+1) it first finds the region the same way
/// and then validates a second time. Here each region's patterns are one <see cref="DigitPatterns"/> (once in use, an automaton: one
/// pass over the digits tells which patterns match), and the possible lengths are a bit mask per length. A region that matched
/// while finding the region is the answer. The national significant number is built on the stack, not as a string.
/// </para>
/// <para>
/// The rules kept exactly: the general description must match (pattern and possible lengths); then any type matches,
/// except that mobile is not tried when the region's mobile and fixed-line patterns are the same and fixed line did
/// not match; a description without possible lengths takes any length; a region without a general pattern takes any
/// number of 3 to 17 digits. A shared calling code's region is the first of its regions whose leading digits begin
/// the number, or, for a region without leading digits, whose patterns know the number's type.
/// </para>
/// </remarks>
internal static class NumberValidity
{
    /// <summary>Longest national significant number libphonenumber can produce: 10 leading zeros and 20 digits.</summary>
    public const int MaxNationalLength = 30;

    private const int MinLengthForNsn = 2;
    private const int MaxLengthForNsn = 17;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly CallingCode?[] CallingCodes = new CallingCode?[1000];

    /// <summary>Whether <paramref name="number"/> is valid, exactly as <see cref="PhoneNumberUtil.IsValidNumber"/> answers.</summary>
    public static bool IsValid(PhoneNumber number)
    {
        Span<char> nsn = stackalloc char[MaxNationalLength];
        var length = WriteNationalSignificantNumber(number, nsn);
        return IsValid(number.CountryCode, nsn[..length]);
    }

    /// <summary>Whether the number of calling code <paramref name="countryCode"/> and national significant number <paramref name="nsn"/> is valid.</summary>
    public static bool IsValid(int countryCode, ReadOnlySpan<char> nsn)
    {
        if ((uint)countryCode >= (uint)CallingCodes.Length)
        {
            return false; // libphonenumber knows no region for it: not valid
        }

        var entry = Volatile.Read(ref CallingCodes[countryCode]);
        if (entry is null)
        {
            var created = new CallingCode(countryCode);
            entry = Interlocked.CompareExchange(ref CallingCodes[countryCode], created, null) ?? created;
        }

        return entry.IsValid(nsn);
    }

    /// <summary>
    /// Writes the national significant number (leading zeros, then the national number) to <paramref name="destination"/>
    /// as <see cref="PhoneNumberUtil.GetNationalSignificantNumber"/> does, and returns its length.
    /// </summary>
    public static int WriteNationalSignificantNumber(PhoneNumber number, Span<char> destination)
    {
        // libphonenumber caps the leading zeros at 10 the same way.
        var zeros = Math.Min(number.NumberOfLeadingZeros, 10);
        for (var i = 0; i < zeros; i++)
        {
            destination[i] = '0';
        }

        number.NationalNumber.TryFormat(destination[zeros..], out var written, default, CultureInfo.InvariantCulture);
        return zeros + written;
    }

    /// <summary>The regions of one calling code, their patterns made on first use.</summary>
    private sealed class CallingCode
    {
        private readonly int _countryCode;
        private readonly string[] _regions;
        private readonly Region?[] _patterns;

        public CallingCode(int countryCode)
        {
            _countryCode = countryCode;
            _regions = [.. Util.GetRegionCodesForCountryCode(countryCode)];
            _patterns = new Region?[_regions.Length];
        }

        public bool IsValid(ReadOnlySpan<char> nsn)
        {
            if (_regions.Length == 0)
            {
                return false;
            }

            if (_regions.Length == 1)
            {
                return Patterns(0)?.IsValid(nsn) ?? false;
            }

            for (var i = 0; i < _regions.Length; i++)
            {
                if (Patterns(i) is not { } region)
                {
                    continue;
                }

                if (region.HasLeadingDigits)
                {
                    if (region.LeadingDigitsMatch(nsn))
                    {
                        return region.IsValid(nsn);
                    }
                }
                else if (region.IsKnownType(nsn))
                {
                    // IsKnownType already required the general description to match: this is IsValid's answer.
                    return true;
                }
            }

            return false;
        }

        private Region? Patterns(int index)
        {
            if (Volatile.Read(ref _patterns[index]) is { } known)
            {
                return known;
            }

            var regionCode = _regions[index];
            var metadata = regionCode == "001"
                ? Util.GetMetadataForNonGeographicalRegion(_countryCode)
                : Util.GetMetadataForRegion(regionCode);
            if (metadata is null)
            {
                return null;
            }

            var created = new Region(metadata);
            return Interlocked.CompareExchange(ref _patterns[index], created, null) ?? created;
        }
    }

    /// <summary>One region's validation patterns as one automaton, and its possible lengths as bit masks.</summary>
    private sealed class Region
    {
        private const int General = 0;

        private readonly bool _hasGeneralPattern;
        private readonly uint[] _allowedByLength = new uint[MaxNationalLength + 1];
        private readonly DigitPatterns _patterns;
        private readonly DigitPatterns? _leadingDigits;

        /// <summary>Whether the region has leading digits (a field: read on the first call, before any optimization).</summary>
        public readonly bool HasLeadingDigits;

        public Region(PhoneMetadata metadata)
        {
            _hasGeneralPattern = metadata.GeneralDesc.HasNationalNumberPattern;
            PhoneNumberDesc[] descriptions =
            [
                metadata.GeneralDesc, metadata.PremiumRate, metadata.TollFree, metadata.SharedCost, metadata.Voip,
                metadata.PersonalNumber, metadata.Pager, metadata.Uan, metadata.Voicemail, metadata.FixedLine,
                // With the same pattern as fixed line, libphonenumber does not try mobile on its own.
                metadata.SameMobileAndFixedLinePattern ? PhoneNumberDesc.DefaultInstance : metadata.Mobile,
            ];

            var patterns = new string?[descriptions.Length];
            for (var i = 0; i < descriptions.Length; i++)
            {
                var description = descriptions[i];
                if (!description.HasNationalNumberPattern)
                {
                    continue;
                }

                patterns[i] = description.NationalNumberPattern;
                for (var length = 0; length <= MaxNationalLength; length++)
                {
                    // No possible lengths means any length (they were checked against the general description).
                    if (description.PossibleLengthCount == 0 || description.PossibleLengthList.Contains(length))
                    {
                        _allowedByLength[length] |= 1u << i;
                    }
                }
            }

            _patterns = new DigitPatterns(patterns);
            if (metadata.HasLeadingDigits)
            {
                _leadingDigits = new DigitPatterns([metadata.LeadingDigits], prefix: true);
                HasLeadingDigits = true;
            }
        }

        public bool LeadingDigitsMatch(ReadOnlySpan<char> nsn) => _leadingDigits!.MatchesBeginning(nsn);

        /// <summary><see cref="PhoneNumberUtil.IsValidNumberForRegion"/> for a number of this region's calling code.</summary>
        public bool IsValid(ReadOnlySpan<char> nsn) =>
            _hasGeneralPattern ? IsKnownType(nsn) : nsn.Length is > MinLengthForNsn and <= MaxLengthForNsn;

        /// <summary>Whether libphonenumber would find a type (anything but UNKNOWN) for the number in this region.</summary>
        public bool IsKnownType(ReadOnlySpan<char> nsn)
        {
            if (!_hasGeneralPattern || nsn.Length > MaxNationalLength)
            {
                return false;
            }

            var matched = _patterns.MatchAll(nsn, _allowedByLength[nsn.Length]);
            return (matched & (1u << General)) != 0 && (matched & ~(1u << General)) != 0;
        }
    }
}
