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

    /// <summary>
    /// Reads the schema version without changing anything (health checks call it). Throws when the store cannot be
    /// reached or read.
    /// </summary>
    /// <remarks>The default reports nothing (<see langword="null"/>): the store does not say which version it is at.</remarks>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The version found and the version this build needs, or <see langword="null"/> when the store does not tell.</returns>
    Task<PhoneHubSchemaStatus?> GetSchemaStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<PhoneHubSchemaStatus?>(null);
}

/// <summary>A store's schema version beside the one this build of PhoneHub needs.</summary>
/// <param name="Version">The version the store is at (0: no PhoneHub schema yet).</param>
/// <param name="RequiredVersion">The version this build of PhoneHub migrates to.</param>
public sealed record PhoneHubSchemaStatus(int Version, int RequiredVersion)
{
    /// <summary>Whether the store is at exactly the version this build needs.</summary>
    public bool IsCurrent => Version == RequiredVersion;
}
