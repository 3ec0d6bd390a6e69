using PhoneHub.Configuration;
using PhoneHub.Providers;

namespace PhoneHub.Stores;

/// <summary>Holds <see cref="PhoneConfig"/>s and their encrypted credentials.</summary>
public interface IPhoneConfigStore
{
    /// <summary>Gets a config by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The config, or <see langword="null"/>.</returns>
    Task<PhoneConfig?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Lists configs.</summary>
    /// <param name="query">Which configs.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The configs, by id.</returns>
    Task<IReadOnlyList<PhoneConfig>> ListAsync(PhoneConfigQuery query, CancellationToken cancellationToken = default);

    /// <summary>Finds the active config of <paramref name="group"/> (<see langword="null"/>: the system default) without falling back.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The config, or <see langword="null"/>.</returns>
    Task<PhoneConfig?> FindActiveAsync(string? group, CancellationToken cancellationToken = default);

    /// <summary>Finds the active config that holds <paramref name="identity"/> (at most one can).</summary>
    /// <param name="identity">A number, messaging service, account or topic.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The config, or <see langword="null"/>.</returns>
    Task<PhoneConfig?> FindByIdentityAsync(ProviderIdentity identity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts a config with its <see cref="PhoneConfig.Identities"/>. When it is active, the group's other active config
    /// is deactivated in the same transaction. Atomic: two concurrent claims of one identity cannot both succeed.
    /// </summary>
    /// <param name="config">The config; its id is ignored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored config and the configs it deactivated.</returns>
    /// <exception cref="ProviderIdentityConflictException">An active config of another group holds one of its identities; nothing was stored.</exception>
    Task<PhoneConfigWriteResult> InsertAsync(PhoneConfig config, CancellationToken cancellationToken = default);

    /// <summary>Updates a config and its identities (not its credentials), with the same activation rules as <see cref="InsertAsync"/>.</summary>
    /// <param name="config">The config.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored config and the configs it deactivated, or <see langword="null"/> when it does not exist.</returns>
    /// <exception cref="ProviderIdentityConflictException">An active config of another group holds one of its identities; nothing was changed.</exception>
    Task<PhoneConfigWriteResult?> UpdateAsync(PhoneConfig config, CancellationToken cancellationToken = default);

    /// <summary>Deletes a config and its credentials.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether a config was deleted.</returns>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Replaces (or with <see langword="null"/>, removes) a config's encrypted credentials.</summary>
    /// <param name="id">The config id.</param>
    /// <param name="ciphertext">The encrypted credentials.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the config exists.</returns>
    Task<bool> SetCredentialsAsync(long id, byte[]? ciphertext, CancellationToken cancellationToken = default);

    /// <summary>Reads a config's encrypted credentials.</summary>
    /// <param name="id">The config id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ciphertext, or <see langword="null"/> when none is stored.</returns>
    Task<byte[]?> GetCredentialsAsync(long id, CancellationToken cancellationToken = default);
}

/// <summary>Filters for <see cref="IPhoneConfigStore.ListAsync"/>.</summary>
public sealed record PhoneConfigQuery
{
    /// <summary>Only configs of this group (<see langword="null"/>: the system defaults), unless <see cref="AllGroups"/>.</summary>
    public string? Group { get; init; }

    /// <summary>List configs of every group.</summary>
    public bool AllGroups { get; init; }

    /// <summary>Only this provider.</summary>
    public string? Provider { get; init; }

    /// <summary>Only active configs.</summary>
    public bool ActiveOnly { get; init; }
}
