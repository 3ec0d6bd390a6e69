using Microsoft.Extensions.Diagnostics.HealthChecks;
using PhoneHub.Providers;
using PhoneHub.Stores;

namespace PhoneHub.Health;

/// <summary>At least one config is active: without one, every send fails with <c>PhoneConfigNotFoundException</c>.</summary>
internal sealed class ConfigsHealthCheck(IPhoneHubMigrator? migrator, IPhoneConfigStore configs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration.FailureStatus;
        try
        {
            if (await HealthCheck.StoreNotReadyAsync(migrator, failure, cancellationToken).ConfigureAwait(false) is { } notReady)
            {
                return notReady;
            }

            var active = await configs.ListAsync(new PhoneConfigQuery { AllGroups = true, ActiveOnly = true }, cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object> { ["active_configs"] = active.Count };
            return active.Count == 0
                ? new HealthCheckResult(failure, "No config is active: sends fail until one is activated.", data: data)
                : HealthCheckResult.Healthy($"{active.Count} active config(s).", data);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheck.Unreadable(failure, "The configs", ex);
        }
    }
}

/// <summary>Every active config (not in test mode) names a provider this host has registered.</summary>
internal sealed class ProvidersHealthCheck(IPhoneHubMigrator? migrator, IPhoneConfigStore configs, ProviderRegistry providers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration.FailureStatus;
        try
        {
            if (await HealthCheck.StoreNotReadyAsync(migrator, failure, cancellationToken).ConfigureAwait(false) is { } notReady)
            {
                return notReady;
            }

            var active = await configs.ListAsync(new PhoneConfigQuery { AllGroups = true, ActiveOnly = true }, cancellationToken).ConfigureAwait(false);
            var missing = active.Where(c => !c.TestMode && !providers.IsRegistered(c.Provider)).ToList();
            var used = active.Select(c => c.TestMode ? "test" : c.Provider).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
            var data = new Dictionary<string, object> { ["providers"] = used };
            if (missing.Count == 0)
            {
                return HealthCheckResult.Healthy("Every active config's provider is registered.", data);
            }

            var names = missing.Select(c => c.Provider).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
            data["missing_providers"] = names;
            var configIds = string.Join(", ", missing.Select(c => c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return new HealthCheckResult(failure,
                $"Active configs {configIds} use providers this host has not registered ({string.Join(", ", names)}): register them (for example .AddTwilio() or .AddAws()).",
                data: data);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheck.Unreadable(failure, "The configs", ex);
        }
    }
}
