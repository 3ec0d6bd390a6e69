using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Guards.OptOuts;
using PhoneHub.Providers;
using PhoneHub.Stores;

namespace PhoneHub.Messaging;

/// <summary>
/// What follows a status change, whoever caused it (a send completing, a delivery report): reports kept for a provider
/// id are applied once the id is stored, reports from another account or group are refused, and the host's
/// <see cref="ISmsStatusHandler"/>s run. A report carrying the provider's opt-out error adds the recipient to the
/// group's opt-out list; a message that ends with only an estimated price asks its provider for the real one.
/// </summary>
internal sealed class SmsStatusEffects(
    ISmsStore store,
    IPhoneConfigService configs,
    ProviderRegistry providers,
    OptOutService optOuts,
    IServiceScopeFactory scopes,
    TimeProvider time,
    PhoneHubMetrics metrics,
    ILogger<SmsStatusEffects> logger)
{
    public async Task<StatusUpdateOutcome> ApplyToAsync(SmsMessage message, SmsStatusReport report, CancellationToken cancellationToken)
    {
        if (!await MayReportAsync(message, report, cancellationToken).ConfigureAwait(false))
        {
            Log.StatusRefused(logger, report.Provider, report.ProviderMessageId, report.Status.ToWireName());
            return StatusUpdateOutcome.Refused;
        }

        var (outcome, updated) = await store.AdvanceStatusAsync(report, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Log.StatusApplied(logger, report.Provider, report.ProviderMessageId, report.Status.ToWireName(), outcome.ToString());
        if (outcome == StatusUpdateOutcome.Updated && updated is not null)
        {
            if (report.ErrorCode is { } code && providers.FindDefinition(report.Provider)?.OptOutErrorCodes.Contains(code) == true)
            {
                await optOuts.ApplyAsync(updated.Group, updated.To, OptOutAction.OptOut, OptOutSource.Provider, report.Provider + " " + code,
                    "message:" + updated.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            }

            if (updated.Direction == SmsDirection.Outbound && updated.Status.IsFinal() && updated.Status != SmsStatus.Canceled
                && (updated.Price is null || updated.PriceIsEstimate) && updated.ProviderMessageId is { } providerId)
            {
                updated = await FetchPriceAsync(updated, providerId, cancellationToken).ConfigureAwait(false);
            }

            // The store records a provider's price only on a message that had none or an estimate: that is when the charge
            // becomes known (estimates are not charges, so they are never counted).
            if ((message.Price is null || message.PriceIsEstimate) && updated.Price is not null && !updated.PriceIsEstimate)
            {
                metrics.RecordCost(updated.Provider, updated.Price, updated.PriceUnit);
            }

            await ChangedAsync(updated, message.Status).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>After a send stored its provider id: applies the reports that arrived first, and tells the handlers.</summary>
    public async Task<SmsMessage> CompletedAsync(SmsMessage message, SmsStatus previous)
    {
        await ChangedAsync(message, previous).ConfigureAwait(false);
        if (message.Provider is not { } provider || message.ProviderMessageId is not { } providerId)
        {
            return message;
        }

        var pending = await store.TakePendingStatusesAsync(provider, providerId, CancellationToken.None).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return message;
        }

        foreach (var report in pending)
        {
            await ApplyToAsync(message, report, CancellationToken.None).ConfigureAwait(false);
        }

        return await store.GetAsync(message.Id, CancellationToken.None).ConfigureAwait(false) ?? message;
    }

    // The provider's own price replaces the estimate; a provider that has not priced it yet leaves the estimate.
    private async Task<SmsMessage> FetchPriceAsync(SmsMessage message, string providerMessageId, CancellationToken cancellationToken)
    {
        try
        {
            var config = message.ConfigId is { } id ? await configs.GetAsync(id, cancellationToken).ConfigureAwait(false) : null;
            if (config is null || config.TestMode || providers.GetSender(config) is not ISmsPriceProvider source)
            {
                return message;
            }

            var context = await configs.GetProviderContextAsync(config, cancellationToken).ConfigureAwait(false);
            if (await source.GetPriceAsync(providerMessageId, context, cancellationToken).ConfigureAwait(false) is not { } price)
            {
                return message;
            }

            return await store.SetPriceAsync(message.Id, price.Price, price.Unit, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) ?? message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PriceFetchFailed(logger, ex, message.Id);
            return message;
        }
    }

    public async Task ChangedAsync(SmsMessage message, SmsStatus previous)
    {
        if (message.Status == previous)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        foreach (var handler in scope.ServiceProvider.GetServices<ISmsStatusHandler>())
        {
            try
            {
                await handler.OnStatusChangedAsync(message, previous, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.StatusHandlerFailed(logger, ex, message.Id);
            }
        }
    }

    // The report's source must be the message's own: the account it went through, and a config of its group.
    private async Task<bool> MayReportAsync(SmsMessage message, SmsStatusReport report, CancellationToken cancellationToken)
    {
        if (message.ProviderAccount is { } account && report.Account is { } reported && !string.Equals(account, reported, StringComparison.Ordinal))
        {
            return false;
        }

        if (report.ConfigId is { } voucher && voucher != message.ConfigId)
        {
            var config = await configs.GetAsync(voucher, cancellationToken).ConfigureAwait(false);
            return config is not null && string.Equals(config.Group, message.Group, StringComparison.Ordinal);
        }

        return true;
    }
}
