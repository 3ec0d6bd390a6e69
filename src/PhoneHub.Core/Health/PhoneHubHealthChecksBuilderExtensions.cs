using Microsoft.Extensions.Diagnostics.HealthChecks;
using PhoneHub;
using PhoneHub.Health;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Providers;
using PhoneHub.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds PhoneHub's health checks to a host's health checks.</summary>
public static class PhoneHubHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds PhoneHub's checks: <see cref="PhoneHubHealthChecks.Store"/> (reachable and migrated),
    /// <see cref="PhoneHubHealthChecks.Configs"/> (a config is active), <see cref="PhoneHubHealthChecks.Providers"/>
    /// (their providers are registered), <see cref="PhoneHubHealthChecks.Dispatcher"/> (the background dispatcher runs)
    /// and <see cref="PhoneHubHealthChecks.Queue"/> (the oldest due message waits less than a threshold). Needs
    /// <c>services.AddPhoneHub(...)</c>. The checks change nothing: a store that is not migrated is reported, not migrated.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="configure">Sets thresholds, tags and the failure status.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">PhoneHub's checks were already added to this service collection.</exception>
    public static IHealthChecksBuilder AddPhoneHub(this IHealthChecksBuilder builder, Action<PhoneHubHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(PhoneHubHealthCheckMarker)))
        {
            throw new InvalidOperationException("PhoneHub's health checks were already added (AddHealthChecks().AddPhoneHub(...)); add them once, with all their options.");
        }

        var options = new PhoneHubHealthCheckOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.AddSingleton<PhoneHubHealthCheckMarker>();

        var tags = options.Tags.ToArray();

        // A factory that throws fails the whole health report (a 500 from the endpoint): a host without PhoneHub's
        // services gets failing checks that say what to add instead.
        void Add(string name, Func<IServiceProvider, IHealthCheck> factory) =>
            builder.Add(new HealthCheckRegistration(name, sp => sp.GetService<SmsDispatcher>() is null ? new NotConfiguredHealthCheck() : factory(sp), options.FailureStatus, tags, options.Timeout));

        Add(PhoneHubHealthChecks.Store, sp => new StoreHealthCheck(sp.GetService<IPhoneHubMigrator>(), sp.GetRequiredService<IPhoneConfigStore>()));
        Add(PhoneHubHealthChecks.Configs, sp => new ConfigsHealthCheck(sp.GetService<IPhoneHubMigrator>(), sp.GetRequiredService<IPhoneConfigStore>()));
        Add(PhoneHubHealthChecks.Providers, sp => new ProvidersHealthCheck(sp.GetService<IPhoneHubMigrator>(), sp.GetRequiredService<IPhoneConfigStore>(), sp.GetRequiredService<ProviderRegistry>()));
        Add(PhoneHubHealthChecks.Dispatcher, sp => new DispatcherHealthCheck(sp.GetRequiredService<SmsDispatcher>(), options, sp.GetRequiredService<TimeProvider>()));
        Add(PhoneHubHealthChecks.Queue, sp => new QueueHealthCheck(sp.GetService<IPhoneHubMigrator>(), sp.GetRequiredService<SmsQueueMonitor>(), options, sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    private sealed class NotConfiguredHealthCheck : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                "PhoneHub's health checks need PhoneHub's services: call services.AddPhoneHub(...) as well."));
    }

    private sealed class PhoneHubHealthCheckMarker;
}
