using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Diagnostics;
using PhoneHub.Security;
using PhoneHub.Stores;
using PhoneHub.Stores.Sqlite;

namespace PhoneHub.Hosting;

/// <summary>
/// What PhoneHub checks and prepares when a generic host starts, before any request is served: the stores are one
/// family (not a mix of the host's and the SQLite defaults), the schema is migrated, and a missing encryption key is
/// reported in the log with the setting's name.
/// </summary>
internal sealed class PhoneHubStartup(IServiceProvider services, IOptions<PhoneHubOptions> options, ILogger<PhoneHubStartup> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => RunAsync(services, options.Value, logger, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static async Task RunAsync(IServiceProvider services, PhoneHubOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        StoreRegistration.Validate(services);
        if (options.MigrateOnStart && services.GetService<IPhoneHubMigrator>() is { } migrator)
        {
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        // Lookup counts are stored for the lookup report from the start.
        _ = services.GetService<Reports.LookupUsageFlusher>();

        if (services.GetService<ICredentialProtector>() is AesGcmCredentialProtector { IsAvailable: false } protector)
        {
            Log.EncryptionKeyMissing(logger, protector.KeySettings);
        }
    }
}

/// <summary>
/// Refuses a mix of store implementations: a host that registers its own <see cref="ISmsStore"/> but leaves the SQLite
/// default behind the other interfaces would split its data across two databases without noticing.
/// </summary>
internal static class StoreRegistration
{
    public static void Validate(IServiceProvider services)
    {
        var stores = new (string Name, object? Store)[]
        {
            (nameof(IPhoneNumberStore), services.GetService<IPhoneNumberStore>()),
            (nameof(ISmsStore), services.GetService<ISmsStore>()),
            (nameof(IPhoneConfigStore), services.GetService<IPhoneConfigStore>()),
            (nameof(IOptOutStore), services.GetService<IOptOutStore>()),
            (nameof(ISmsUsageStore), services.GetService<ISmsUsageStore>()),
        };
        Validate(stores);
    }

    public static void Validate(IReadOnlyList<(string Name, object? Store)> stores)
    {
        var sqlite = stores.Where(s => s.Store is ISqliteStore).Select(s => s.Name).ToList();
        var other = stores.Where(s => s.Store is not null and not ISqliteStore).Select(s => $"{s.Name} ({s.Store!.GetType().FullName})").ToList();
        if (sqlite.Count > 0 && other.Count > 0)
        {
            throw new InvalidOperationException(
                $"PhoneHub's stores are mixed: {string.Join(", ", other)} come from the host, but {string.Join(", ", sqlite)} " +
                "still use PhoneHub's SQLite default, so data would be split across two databases. Register every PhoneHub " +
                "store interface (IPhoneNumberStore, ISmsStore, IPhoneConfigStore, IOptOutStore, ISmsUsageStore) with your implementation, or use a store package's builder method (for example .UsePostgreSql(...)).");
        }
    }
}
