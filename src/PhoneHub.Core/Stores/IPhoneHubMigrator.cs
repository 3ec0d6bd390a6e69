namespace PhoneHub.Stores;

/// <summary>
/// Brings a store's schema to the version this build of PhoneHub needs. Store packages register one; PhoneHub runs it
/// when the host starts (<see cref="PhoneHubOptions.MigrateOnStart"/>), and hosts without a generic host call
/// <c>serviceProvider.MigratePhoneHubAsync()</c> before first use.
/// </summary>
public interface IPhoneHubMigrator
{
    /// <summary>Applies pending migrations. Idempotent, and safe to call from several processes at once.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The schema version after the call.</returns>
    /// <exception cref="InvalidOperationException">The database is newer than this version of PhoneHub understands.</exception>
    Task<int> MigrateAsync(CancellationToken cancellationToken = default);
}
