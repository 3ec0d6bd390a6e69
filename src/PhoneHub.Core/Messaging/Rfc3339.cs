using System.Globalization;
using System.Text.RegularExpressions;

namespace PhoneHub.Messaging;

/// <summary>
/// RFC 3339 date-times, as <c>send_at</c> takes them: a date, <c>T</c> (or a space), a time with optional fraction, and
/// <c>Z</c> or an offset. A time without an offset is refused rather than read in some server's zone.
/// </summary>
public static partial class Rfc3339
{
    /// <summary>What a valid value looks like, for error messages.</summary>
    public const string Example = "2026-03-01T09:30:00Z or 2026-03-01T09:30:00-08:00";

    /// <summary>Reads <paramref name="text"/> as an RFC 3339 date-time.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The instant.</param>
    /// <returns>Whether the text is one.</returns>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null
            && Shape().IsMatch(text)
            && DateTimeOffset.TryParse(text.Replace(' ', 'T'), CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Shape();
}
