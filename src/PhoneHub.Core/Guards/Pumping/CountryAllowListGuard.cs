using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Normalization;
using PhoneHub.Providers;

namespace PhoneHub.Guards.Pumping;

/// <summary>
/// Refuses recipients outside the config's allowed countries. Without a list every country is allowed: a default that
/// refused destinations would silently stop sends that worked before the guards existed.
/// </summary>
internal sealed class CountryAllowListGuard(ProviderRegistry providers, PhoneNormalizer normalizer, IOptions<PhoneHubOptions> options) : ISendGuard
{
    public GuardStages Stages => GuardStages.Enqueue;

    public ValueTask<GuardDecision> CheckAsync(GuardContext context, GuardStages stage, CancellationToken cancellationToken)
    {
        var country = context.Message.Country;
        if (context.Settings.Pumping.AllowedCountries is { } allowed)
        {
            return ValueTask.FromResult(allowed.Contains(PumpingSettings.AnyCountry) || (country is not null && allowed.Contains(country, StringComparer.OrdinalIgnoreCase))
                ? GuardDecision.Allow
                : Refuse(country, string.Join(", ", allowed)));
        }

        return ValueTask.FromResult(GuardDecision.Allow);
    }

    /// <summary>The region of the config's sending number, else the host's default region (prices a recipient of unknown country).</summary>
    public string HomeCountry(PhoneConfig config)
    {
        var sender = providers.FindDefinition(config.Provider)?.DefaultSender(config.Settings);
        return sender is not null && sender.StartsWith('+') && normalizer.TryNormalize(sender, out var e164, null)
            ? normalizer.Parse(e164, null).RegionCode
            : options.Value.DefaultRegion.ToUpperInvariant();
    }

    private static GuardDecision Refuse(string? country, string allowed) =>
        GuardDecision.Block(GuardReasons.CountryNotAllowed, $"Messages to {country ?? "this"} numbers are not allowed by the config (allowed: {allowed}).");
}
