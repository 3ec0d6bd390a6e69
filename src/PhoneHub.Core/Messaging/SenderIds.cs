using System.Text.RegularExpressions;

namespace PhoneHub.Messaging;

/// <summary>The sender identifiers PhoneHub accepts besides phone numbers, defined once for requests and configs.</summary>
internal static partial class SenderIds
{
    /// <summary>A Twilio Messaging Service SID: <c>MG</c> and 32 hexadecimal characters.</summary>
    [GeneratedRegex("^MG[0-9a-fA-F]{32}$")]
    public static partial Regex MessagingServiceSid();

    /// <summary>
    /// An alphanumeric sender on a request: 1 to 11 letters, digits or spaces with at least one letter (Twilio allows
    /// spaces; the SNS provider refuses what SNS does not take).
    /// </summary>
    [GeneratedRegex("^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")]
    public static partial Regex Alphanumeric();

    /// <summary>An SNS <c>SenderID</c> stored on a config: 1 to 11 letters and digits with at least one letter, no spaces.</summary>
    [GeneratedRegex("^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$")]
    public static partial Regex SnsSenderId();
}
