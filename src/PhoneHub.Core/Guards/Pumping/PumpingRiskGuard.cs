using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Providers;

namespace PhoneHub.Guards.Pumping;

/// <summary>
/// Refuses recipients whose provider pumping-risk score reaches the config's threshold, or whom the provider blocks for
/// pumping. Scores are kept per provider account and number for <see cref="SendGuardOptions.PumpingRiskCacheDuration"/>,
/// so a number costs one lookup a day, not one per message. A failed lookup lets the send go (an outage of the risk
/// service must not stop one-time codes); it is logged.
/// </summary>
internal sealed class PumpingRiskGuard(
    ProviderRegistry providers,
    IPhoneConfigService configs,
    IOptions<SendGuardOptions> options,
    ILogger<PumpingRiskGuard> logger) : ISendGuard, IDisposable
{
    private readonly MemoryCache _scores = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public GuardStages Stages => GuardStages.Enqueue;

    public async ValueTask<GuardDecision> CheckAsync(GuardContext context, GuardStages stage, CancellationToken cancellationToken)
    {
        if (context.Settings.Pumping.RiskScoreThreshold is not { } threshold || context.Config.TestMode
            || providers.GetSender(context.Config) is not IPumpingRiskProvider source)
        {
            return GuardDecision.Allow;
        }

        var key = (context.Config.Provider, context.Config.Account ?? "config:" + context.Config.Id.ToString(CultureInfo.InvariantCulture), context.Message.To);
        if (!_scores.TryGetValue(key, out PumpingRiskScore? risk))
        {
            try
            {
                var provider = await configs.GetProviderContextAsync(context.Config, cancellationToken).ConfigureAwait(false);
                risk = await source.GetPumpingRiskAsync(context.Message.To, provider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PhoneHubException or HttpRequestException)
            {
                Log.PumpingRiskUnavailable(logger, ex, context.Config.Id);
                return GuardDecision.Allow;
            }

            if (options.Value.PumpingRiskCacheDuration > TimeSpan.Zero)
            {
                _scores.Set(key, risk, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.PumpingRiskCacheDuration });
            }
        }

        if (risk!.NumberBlocked || risk.Score >= threshold)
        {
            return GuardDecision.Block(GuardReasons.PumpingRisk, risk.NumberBlocked
                ? "The provider blocks this number for SMS-pumping traffic."
                : string.Create(CultureInfo.InvariantCulture, $"The provider scores this number's SMS-pumping risk {risk.Score} of 100; the config refuses {threshold} or more."));
        }

        return GuardDecision.Allow;
    }

    public void Dispose() => _scores.Dispose();
}
