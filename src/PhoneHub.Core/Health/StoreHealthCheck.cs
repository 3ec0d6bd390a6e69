using Microsoft.Extensions.Diagnostics.HealthChecks;
using PhoneHub.Stores;

namespace PhoneHub.Health;

/// <summary>The store answers and its schema is at the version this build of PhoneHub needs.</summary>
internal sealed class StoreHealthCheck(IPhoneHubMigrator? migrator, IPhoneConfigStore configs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration.FailureStatus;
        try
        {
            if (migrator is not null && await migrator.GetSchemaStatusAsync(cancellationToken).ConfigureAwait(false) is { } schema)
            {
                var data = new Dictionary<string, object> { ["schema_version"] = schema.Version, ["required_schema_version"] = schema.RequiredVersion };
                return schema.Version < schema.RequiredVersion
                    ? new HealthCheckResult(failure, $"The store's schema is at version {schema.Version}; this PhoneHub needs {schema.RequiredVersion}. Migrate it (PhoneHub:MigrateOnStart, or serviceProvider.MigratePhoneHubAsync()).", data: data)
                    : schema.Version > schema.RequiredVersion
                        ? new HealthCheckResult(failure, $"The store's schema is at version {schema.Version}, newer than this PhoneHub understands ({schema.RequiredVersion}). Upgrade PhoneHub.", data: data)
                        : HealthCheckResult.Healthy($"The store is reachable at schema version {schema.Version}.", data);
            }

            // A store that does not report its schema is at least read once.
            await configs.ListAsync(new PhoneConfigQuery { AllGroups = true, ActiveOnly = true }, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The store is reachable (it does not report its schema version).");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheck.Unreadable(failure, "The store", ex);
        }
    }
}

/// <summary>What the checks share.</summary>
internal static class HealthCheck
{
    /// <summary>
    /// Checks that read through the stores look at the schema first: a SQLite store migrates on first use, and a health
    /// check must not change the database.
    /// </summary>
    public static async Task<HealthCheckResult?> StoreNotReadyAsync(IPhoneHubMigrator? migrator, HealthStatus failure, CancellationToken cancellationToken) =>
        migrator is not null && await migrator.GetSchemaStatusAsync(cancellationToken).ConfigureAwait(false) is { IsCurrent: false }
            ? new HealthCheckResult(failure, $"The store is not at the schema version this PhoneHub needs (see {PhoneHubHealthChecks.Store}).")
            : null;

    /// <summary>A failure to read: the exception's kind in the description (its text may name hosts or files), the exception for the log.</summary>
    public static HealthCheckResult Unreadable(HealthStatus failure, string what, Exception exception) =>
        new(failure, $"{what} could not be read ({exception.GetType().Name}).", exception);
}
