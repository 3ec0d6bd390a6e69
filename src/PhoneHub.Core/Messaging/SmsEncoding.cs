namespace PhoneHub.Messaging;

/// <summary>
/// Counts SMS segments: GSM 03.38 7-bit when every character fits, UCS-2 otherwise. A single message holds 160 septets
/// (GSM-7) or 70 UTF-16 units (UCS-2); a longer one is split into parts of 153 septets or 67 units (the rest of each part
/// is the concatenation header). A part never ends inside a character: an extension-table character (escape plus
/// character, 2 septets) or a surrogate pair (an emoji, 2 units) that would straddle a boundary starts the next part.
/// </summary>
public static class SmsEncoding
{
    /// <summary>Septets in a single GSM-7 message.</summary>
    public const int Gsm7SingleLimit = 160;

    /// <summary>Septets in each part of a concatenated GSM-7 message.</summary>
    public const int Gsm7PartLimit = 153;

    /// <summary>UTF-16 units in a single UCS-2 message.</summary>
    public const int Ucs2SingleLimit = 70;

    /// <summary>UTF-16 units in each part of a concatenated UCS-2 message.</summary>
    public const int Ucs2PartLimit = 67;

    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Extension-table characters take two septets (escape + char).
    private const string Gsm7Extension = "\f^{}\\[~]|€";

    private static readonly HashSet<char> Basic = [.. Gsm7Basic];
    private static readonly HashSet<char> Extension = [.. Gsm7Extension];

    /// <summary>Whether <paramref name="body"/> can be sent in the GSM 7-bit alphabet.</summary>
    /// <param name="body">The text.</param>
    /// <returns><see langword="true"/> when every character is in the GSM 03.38 basic or extension table.</returns>
    public static bool IsGsm7(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        foreach (var c in body)
        {
            if (!IsGsm7(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether one UTF-16 unit is in the GSM 03.38 basic or extension table.</summary>
    /// <param name="c">The character.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool IsGsm7(char c) => Basic.Contains(c) || Extension.Contains(c);

    /// <summary>How many segments <paramref name="body"/> takes (see the class remarks for the rules).</summary>
    /// <param name="body">The text.</param>
    /// <returns>The segment count (at least 1).</returns>
    public static int CountSegments(string body) => Measure(body).Segments;

    /// <summary>The encoding, the units the limit counts (septets or UTF-16 units) and the segments of <paramref name="body"/>.</summary>
    /// <param name="body">The text.</param>
    /// <returns>The measurement.</returns>
    public static SmsBodyMeasure Measure(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (IsGsm7(body))
        {
            var septets = 0;
            foreach (var c in body)
            {
                septets += Extension.Contains(c) ? 2 : 1;
            }

            if (septets <= Gsm7SingleLimit)
            {
                return new SmsBodyMeasure(SmsCharacterSet.Gsm7, septets, 1, Gsm7SingleLimit);
            }

            // Greedy parts: a 2-septet character never straddles two parts.
            var parts = 1;
            var used = 0;
            foreach (var c in body)
            {
                var width = Extension.Contains(c) ? 2 : 1;
                if (used + width > Gsm7PartLimit)
                {
                    parts++;
                    used = 0;
                }

                used += width;
            }

            return new SmsBodyMeasure(SmsCharacterSet.Gsm7, septets, parts, Gsm7PartLimit);
        }

        if (body.Length <= Ucs2SingleLimit)
        {
            return new SmsBodyMeasure(SmsCharacterSet.Ucs2, body.Length, 1, Ucs2SingleLimit);
        }

        // Greedy parts: a surrogate pair never straddles two parts.
        var ucsParts = 1;
        var ucsUsed = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var width = char.IsHighSurrogate(body[i]) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]) ? 2 : 1;
            if (ucsUsed + width > Ucs2PartLimit)
            {
                ucsParts++;
                ucsUsed = 0;
            }

            ucsUsed += width;
            i += width - 1;
        }

        return new SmsBodyMeasure(SmsCharacterSet.Ucs2, body.Length, ucsParts, Ucs2PartLimit);
    }
}

/// <summary>The alphabet a message is sent in.</summary>
public enum SmsCharacterSet
{
    /// <summary>GSM 03.38 7-bit: 160 characters in one segment, 153 per part.</summary>
    Gsm7 = 1,

    /// <summary>UCS-2 (UTF-16): 70 units in one segment, 67 per part.</summary>
    Ucs2,
}

/// <summary>What <see cref="SmsEncoding.Measure"/> found.</summary>
/// <param name="CharacterSet">GSM-7 or UCS-2.</param>
/// <param name="Units">What the limit counts: septets for GSM-7 (an extension character is 2), UTF-16 units for UCS-2 (an emoji is usually 2).</param>
/// <param name="Segments">The segments the body takes.</param>
/// <param name="PerSegmentLimit">The units each segment holds: 160 or 70 for a single segment, 153 or 67 per part of a longer message.</param>
public readonly record struct SmsBodyMeasure(SmsCharacterSet CharacterSet, int Units, int Segments, int PerSegmentLimit);
