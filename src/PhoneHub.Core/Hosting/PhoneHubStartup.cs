using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Diagnostics;
using PhoneHub.Security;
using PhoneHub.Stores;

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

        if (services.GetService<ICredentialProtector>() is AesGcmCredentialProtector { IsAvailable: false } protector)
        {
            Log.EncryptionKeyMissing(logger, protector.KeySettings);
        }
    }
}

/// <summary>
/// Refuses a mix of store implementations: a host that registers its own <see cref="ISmsStore"/> but leaves a store
/// package's (SQLite by default, or PostgreSQL) behind the other interfaces, or combines two packages, would split its
/// data across two databases without noticing. Packages mark their stores and migrator with <see cref="IStoreFamilyMember"/>.
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
        };
        Validate(stores, services.GetService<IPhoneHubMigrator>());
    }

    /// <summary>Throws when the stores do not all come from one package (or all from the host), or the migrator is another package's.</summary>
    /// <param name="stores">The store interfaces' names and implementations.</param>
    /// <param name="migrator">The registered migrator, if known. A host's own stores may leave PhoneHub's default migrator in place.</param>
    public static void Validate(IReadOnlyList<(string Name, object? Store)> stores, object? migrator = null)
    {
        var present = stores.Where(s => s.Store is not null).ToList();
        var families = present.Select(s => FamilyOf(s.Store)).Distinct().ToList();
        if (families.Count > 1)
        {
            var from = string.Join(", ", present.Select(s => $"{s.Name} from {Describe(s.Store!)}"));
            throw new InvalidOperationException(
                $"PhoneHub's stores are mixed: {from}, so data would be split across two databases. Register every PhoneHub " +
                "store interface (IPhoneNumberStore, ISmsStore, IPhoneConfigStore) with your implementation, or use one store " +
                "package's builder method (.UseSqlite(...), .UsePostgreSql(...)) and no other store registration.");
        }

        if (families is [{ } family] && FamilyOf(migrator) is { } migratorFamily && !string.Equals(family, migratorFamily, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"PhoneHub's stores come from {family}, but its IPhoneHubMigrator from {migratorFamily}, so the stores' schema " +
                "would never be migrated. Register the stores through their package's builder method, which registers its migrator too.");
        }
    }

    private static string? FamilyOf(object? store) => (store as IStoreFamilyMember)?.StoreFamily;

    private static string Describe(object store) => FamilyOf(store) ?? $"the host ({store.GetType().FullName})";
}
