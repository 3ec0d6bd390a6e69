namespace PhoneHub.Messaging;

/// <summary>Counts SMS segments: GSM 03.38 7-bit when every character fits, UCS-2 otherwise.</summary>
public static class SmsEncoding
{
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
            if (!Basic.Contains(c) && !Extension.Contains(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>How many segments <paramref name="body"/> takes: 160/153 septets for GSM-7, 70/67 UTF-16 units for UCS-2.</summary>
    /// <param name="body">The text.</param>
    /// <returns>The segment count (at least 1).</returns>
    public static int CountSegments(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (IsGsm7(body))
        {
            var septets = 0;
            foreach (var c in body)
            {
                septets += Extension.Contains(c) ? 2 : 1;
            }

            return septets <= 160 ? 1 : (septets + 152) / 153;
        }

        return body.Length <= 70 ? 1 : (body.Length + 66) / 67;
    }
}
