using PhoneHub.Configuration;
using PhoneHub.Normalization;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// The default pace of a sender by its type, as carriers and providers publish them for the US and most markets:
/// a 10-digit long code about 1 segment per second, a toll-free number 3, a short code 100; alphanumeric sender IDs and
/// messaging services (which pick among several numbers and queue at the provider) 10. A config's
/// <see cref="PhoneConfig.SendRate"/> replaces the default for all its senders.
/// </summary>
internal static class SendRates
{
    public const double LongCode = 1;
    public const double TollFree = 3;
    public const double ShortCode = 100;
    public const double AlphanumericOrService = 10;

    /// <summary>The pacing keys of a send: its sender, and the config's account when it has an account rate.</summary>
    public static IReadOnlyList<PacingKey> KeysFor(PhoneConfig config, string? sender, PhoneNormalizer normalizer)
    {
        var rate = config.SendRate ?? DefaultFor(sender, normalizer);
        var keys = new List<PacingKey>(2) { new($"{config.Provider}|sender|{sender ?? "config:" + config.Id}", rate) };
        if (config.AccountSendRate is { } accountRate)
        {
            keys.Add(new($"{config.Provider}|account|{config.Account ?? "config:" + config.Id}", accountRate));
        }

        return keys;
    }

    public static double DefaultFor(string? sender, PhoneNormalizer normalizer)
    {
        if (string.IsNullOrEmpty(sender))
        {
            return LongCode;
        }

        if (sender.StartsWith('+'))
        {
            try
            {
                return normalizer.Parse(sender, null).Kind == PhoneNumberKind.TollFree ? TollFree : LongCode;
            }
            catch (InvalidPhoneNumberException)
            {
                return LongCode;
            }
        }

        // Short codes are 3 to 8 digits with no country code.
        return sender.Length is >= 3 and <= 8 && sender.All(char.IsAsciiDigit) ? ShortCode : AlphanumericOrService;
    }
}
