using System.Collections.Frozen;
using System.Text;
using PhoneHub.Messaging;

namespace PhoneHub.Guards.Segments;

/// <summary>
/// Replaces look-alike Unicode characters with their GSM-7 equivalents, so text pasted from a word processor (curly
/// quotes, dashes, non-breaking spaces, the ellipsis) goes in the 160-character alphabet instead of 70-character UCS-2.
/// The replacements are applied only when the whole result is GSM-7: a message that needs UCS-2 anyway (an emoji, a
/// letter outside GSM-7) is left exactly as written.
/// </summary>
public static class SmartEncoding
{
    // The usual table of look-alikes. Each maps to the GSM-7 text a reader would take for it.
    private static readonly FrozenDictionary<int, string> Table = new Dictionary<int, string>
    {
        // Single quotes, apostrophes, primes.
        [0x2018] = "'", [0x2019] = "'", [0x201A] = "'", [0x201B] = "'", [0x2032] = "'", [0x2035] = "'",
        [0x02BC] = "'", [0x02BB] = "'", [0x02B9] = "'", [0x00B4] = "'", [0x0060] = "'", [0xFF07] = "'",
        [0x2039] = "<", [0x203A] = ">",

        // Double quotes and guillemets.
        [0x201C] = "\"", [0x201D] = "\"", [0x201E] = "\"", [0x201F] = "\"", [0x2033] = "\"", [0x2036] = "\"",
        [0x00AB] = "\"", [0x00BB] = "\"", [0x02BA] = "\"", [0xFF02] = "\"",

        // Hyphens, dashes, minus signs.
        [0x2010] = "-", [0x2011] = "-", [0x2012] = "-", [0x2013] = "-", [0x2014] = "-", [0x2015] = "-",
        [0x2043] = "-", [0x2212] = "-", [0xFE58] = "-", [0xFE63] = "-", [0xFF0D] = "-", [0x00AD] = "-",

        // Spaces of every width become a plain space; zero-width ones disappear.
        [0x00A0] = " ", [0x1680] = " ", [0x2000] = " ", [0x2001] = " ", [0x2002] = " ", [0x2003] = " ",
        [0x2004] = " ", [0x2005] = " ", [0x2006] = " ", [0x2007] = " ", [0x2008] = " ", [0x2009] = " ",
        [0x200A] = " ", [0x202F] = " ", [0x205F] = " ", [0x3000] = " ",
        [0x200B] = "", [0x2060] = "", [0xFEFF] = "",

        // Punctuation and symbols with an ASCII form.
        [0x2026] = "...", [0x2022] = "-", [0x2024] = ".", [0x2044] = "/", [0x2215] = "/", [0x02C6] = "^",
        [0x02DC] = "~", [0x2016] = "||", [0x00B8] = ",",
        [0xFF01] = "!", [0xFF03] = "#", [0xFF05] = "%", [0xFF06] = "&", [0xFF08] = "(", [0xFF09] = ")",
        [0xFF0A] = "*", [0xFF0B] = "+", [0xFF0C] = ",", [0xFF0E] = ".", [0xFF0F] = "/", [0xFF1A] = ":",
        [0xFF1B] = ";", [0xFF1C] = "<", [0xFF1D] = "=", [0xFF1E] = ">", [0xFF1F] = "?", [0xFF20] = "@",

        // GSM-7 has the capital C with cedilla only.
        [0x00E7] = "Ç",
    }.ToFrozenDictionary();

    /// <summary>Replaces the look-alikes in <paramref name="body"/> when that makes it GSM-7.</summary>
    /// <param name="body">The text.</param>
    /// <returns>The text to send and what changed (nothing when the result would not be GSM-7).</returns>
    public static SmartEncodingResult Apply(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (SmsEncoding.IsGsm7(body))
        {
            return new SmartEncodingResult(body, [], true);
        }

        StringBuilder? text = null;
        List<SmartEncodingChange>? changes = null;
        var gsm7 = true;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (Table.TryGetValue(c, out var replacement))
            {
                text ??= new StringBuilder(body, 0, i, body.Length);
                (changes ??= []).Add(new SmartEncodingChange(i, c.ToString(), replacement));
                text.Append(replacement);
                continue;
            }

            gsm7 &= SmsEncoding.IsGsm7(c);
            text?.Append(c);
        }

        // Only worth it when every character is now GSM-7; otherwise the message is UCS-2 either way.
        return changes is null || !gsm7
            ? new SmartEncodingResult(body, [], false) { Candidates = changes ?? [] }
            : new SmartEncodingResult(text!.ToString(), changes, true);
    }
}

/// <summary>What <see cref="SmartEncoding.Apply"/> did.</summary>
/// <param name="Body">The text to send: with the replacements when they make it GSM-7, else the input.</param>
/// <param name="Changes">The replacements made, in order.</param>
/// <param name="IsGsm7">Whether <paramref name="Body"/> is GSM-7.</param>
public sealed record SmartEncodingResult(string Body, IReadOnlyList<SmartEncodingChange> Changes, bool IsGsm7)
{
    /// <summary>Look-alikes found but not replaced, because other characters need UCS-2 anyway.</summary>
    public IReadOnlyList<SmartEncodingChange> Candidates { get; init; } = [];
}

/// <summary>One replacement.</summary>
/// <param name="Index">Where in the original text (a UTF-16 index).</param>
/// <param name="Original">The character replaced.</param>
/// <param name="Replacement">What replaced it (empty for a removed zero-width character).</param>
public sealed record SmartEncodingChange(int Index, string Original, string Replacement);
