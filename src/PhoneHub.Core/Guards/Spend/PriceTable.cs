using Microsoft.Extensions.Options;
using PhoneHub.Messaging;
using PhoneHub.Normalization;

namespace PhoneHub.Guards.Spend;

/// <summary>Estimates what a message costs from <see cref="SendGuardOptions.Prices"/>, for providers that say nothing (AWS) and until they do (Twilio).</summary>
internal sealed class PriceTable(IOptions<SendGuardOptions> options, PhoneNormalizer normalizer)
{
    public string Currency => options.Value.Currency;

    /// <summary>The estimate for <paramref name="segments"/> segments to <paramref name="country"/> from <paramref name="sender"/>, or <see langword="null"/> when the table has no price.</summary>
    public decimal? Estimate(string? country, string? sender, int segments)
    {
        var type = SenderTypeOf(sender);
        SmsPrice? best = null;
        var bestRank = int.MaxValue;
        foreach (var price in options.Value.Prices)
        {
            var countryMatches = string.Equals(price.Country, country, StringComparison.OrdinalIgnoreCase);
            if (!countryMatches && price.Country != "*")
            {
                continue;
            }

            if (price.SenderType is { } t && t != type)
            {
                continue;
            }

            // Country and type, then country, then any country with the type, then any.
            var rank = (countryMatches ? 0 : 2) + (price.SenderType is null ? 1 : 0);
            if (rank < bestRank)
            {
                best = price;
                bestRank = rank;
            }
        }

        var perSegment = best?.PricePerSegment ?? options.Value.DefaultPricePerSegment;
        return perSegment * Math.Max(1, segments);
    }

    /// <summary>The kind of sender, as the table names it.</summary>
    public string SenderTypeOf(string? sender)
    {
        if (string.IsNullOrEmpty(sender))
        {
            return SenderTypes.LongCode;
        }

        if (SenderIds.MessagingServiceSid().IsMatch(sender))
        {
            return SenderTypes.MessagingService;
        }

        if (sender.StartsWith('+'))
        {
            return normalizer.TryNormalize(sender, out var e164, null) && normalizer.Parse(e164, null).Kind == PhoneNumberKind.TollFree
                ? SenderTypes.TollFree
                : SenderTypes.LongCode;
        }

        return sender.Length is >= 3 and <= 8 && sender.All(char.IsAsciiDigit) ? SenderTypes.ShortCode : SenderTypes.Alphanumeric;
    }
}
